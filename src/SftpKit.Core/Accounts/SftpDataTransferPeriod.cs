using System.Text.Json.Serialization;

namespace SftpKit.Accounts;

/// <summary>When an account's data-transfer counters (<see cref="SftpAccount.UploadDataTransfer"/> and friends) start again.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SftpDataTransferPeriod>))]
public enum SftpDataTransferPeriod
{
    /// <summary>Never by themselves: they grow until an admin resets them (SFTPGo's behaviour).</summary>
    None,

    /// <summary>Every UTC day at 00:00.</summary>
    Day,

    /// <summary>Every UTC week, Monday 00:00 (ISO weeks).</summary>
    Week,

    /// <summary>Every UTC calendar month, on the 1st at 00:00.</summary>
    Month,
}
