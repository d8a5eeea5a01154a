using SftpKit.Accounts;

namespace SftpKit.Tests.Accounts;

/// <summary>The rules behind the per-account limits: password entropy, access windows, expiry and transfer periods.</summary>
public sealed class AccountLimitsTests
{
    [Theory]
    [InlineData("", 0)]
    [InlineData("aaaaaaaa", 2 * 4.700439718141092)] // repeats past two count twice: "aa", base 26
    [InlineData("abcdef", 2 * 4.700439718141092)] // a run of the alphabet counts its first two
    [InlineData("password", 8 * 4.700439718141092)]
    [InlineData("Tr0ub4dor&3", 11 * 6.066089190457772)] // lower + upper + digits + !@$&* = 67
    public void Entropy_counts_classes_and_ignores_runs(string password, double expected) =>
        Assert.Equal(expected, SftpPasswordStrength.Entropy(password), 6);

    [Fact]
    public void Strength_minimum_zero_accepts_anything_and_long_mixed_passwords_pass_sixty_bits()
    {
        Assert.True(SftpPasswordStrength.IsStrongEnough("a", 0));
        Assert.False(SftpPasswordStrength.IsStrongEnough("123456789", 50));
        Assert.False(SftpPasswordStrength.IsStrongEnough("qwertyuiop", 30));
        Assert.True(SftpPasswordStrength.IsStrongEnough("correct horse battery staple", 60));
        Assert.True(SftpPasswordStrength.IsStrongEnough("x7#Kq!9vL2@m", 60));
    }

    [Fact]
    public void Access_windows_hold_their_day_and_minutes_in_the_accounts_time_zone()
    {
        var account = new SftpAccount { AccessTime = [new SftpAccessTimeWindow { DayOfWeek = 1, From = "08:00", To = "17:59" }] };
        var monday = new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);
        Assert.Null(SftpAccountLimits.AccessTimeRefusal(account, monday));
        Assert.Null(SftpAccountLimits.AccessTimeRefusal(account, monday.AddHours(9).AddMinutes(59).AddSeconds(59)));
        Assert.NotNull(SftpAccountLimits.AccessTimeRefusal(account, monday.AddHours(10)));
        Assert.NotNull(SftpAccountLimits.AccessTimeRefusal(account, monday.AddMinutes(-1)));
        Assert.NotNull(SftpAccountLimits.AccessTimeRefusal(account, monday.AddDays(1)));
        account.AccessTimeZone = "Asia/Tokyo"; // 08:00 UTC is 17:00 in Tokyo
        Assert.Null(SftpAccountLimits.AccessTimeRefusal(account, monday));
        Assert.NotNull(SftpAccountLimits.AccessTimeRefusal(account, monday.AddHours(1)));
        account.AccessTimeZone = "Nowhere/Atlantis";
        Assert.NotNull(SftpAccountLimits.AccessTimeRefusal(account, monday));
        Assert.Null(SftpAccountLimits.AccessTimeRefusal(new SftpAccount(), monday));
        Assert.False(new SftpAccessTimeWindow { DayOfWeek = 7 }.IsValid());
        Assert.False(new SftpAccessTimeWindow { From = "18:00", To = "08:00" }.IsValid());
        Assert.False(new SftpAccessTimeWindow { From = "8:00" }.IsValid());
    }

    [Fact]
    public void Passwords_expire_after_their_days_and_never_without_a_recorded_change()
    {
        var changed = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var account = new SftpAccount { PasswordExpirationDays = 30, PasswordChangedAt = changed };
        Assert.False(SftpAccountLimits.IsPasswordExpired(account, changed.AddDays(30).AddTicks(-1)));
        Assert.True(SftpAccountLimits.IsPasswordExpired(account, changed.AddDays(30)));
        account.PasswordChangedAt = null;
        Assert.False(SftpAccountLimits.IsPasswordExpired(account, changed.AddYears(5)));
        account.PasswordChangedAt = changed;
        account.PasswordExpirationDays = 0;
        Assert.False(SftpAccountLimits.IsPasswordExpired(account, changed.AddYears(5)));
    }

    [Theory]
    [InlineData(SftpDataTransferPeriod.None, "erin")]
    [InlineData(SftpDataTransferPeriod.Day, "erin/2026-12-08")] // 23:00 at -05:00 is the next UTC day
    [InlineData(SftpDataTransferPeriod.Week, "erin/2026-W50")]
    [InlineData(SftpDataTransferPeriod.Month, "erin/2026-12")]
    public void Transfer_usage_is_kept_per_period(SftpDataTransferPeriod period, string expected) =>
        Assert.Equal(expected, SftpDataTransferUsage.OwnerName("erin", period, new DateTimeOffset(2026, 12, 7, 23, 0, 0, TimeSpan.FromHours(-5))));
}

/// <summary>The account store variants keep the role and every limit (the SQL one is checked in SftpKit.Providers.Sql.Tests).</summary>
public sealed class AccountLimitsStoreTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sftpkit-limits-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static SftpAccount Limited() => new()
    {
        UserName = "limited",
        Role = "finance",
        AccessTime = [new SftpAccessTimeWindow { DayOfWeek = 5, From = "09:00", To = "17:00" }],
        AccessTimeZone = "Europe/Rome",
        UploadDataTransfer = 1,
        DownloadDataTransfer = 2,
        TotalDataTransfer = 3,
        DataTransferPeriod = SftpDataTransferPeriod.Week,
        PasswordExpirationDays = 30,
        PasswordChangedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        PasswordStrength = 55,
        DeniedProtocols = ["HTTP"],
    };

    private static string Json(SftpAccount? account) => System.Text.Json.JsonSerializer.Serialize(account);

    [Fact]
    public async Task The_in_memory_and_json_file_stores_keep_the_role_and_limits()
    {
        var memory = new InMemoryUserStore();
        await memory.CreateAsync(Limited(), default);
        Assert.Equal(Json(Limited()), Json(await memory.FindAsync("limited", default)));
        Assert.Equal(Json(Limited()), Json(Limited().Clone()));

        Directory.CreateDirectory(_directory);
        string file = Path.Combine(_directory, "users.json");
        using (var store = new JsonFileUserStore(file))
        {
            await store.CreateAsync(Limited(), default);
        }
        Assert.Contains("\"dataTransferPeriod\": \"Week\"", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
        using var reopened = new JsonFileUserStore(file);
        Assert.Equal(Json(Limited()), Json(await reopened.FindAsync("limited", default)));
    }
}
