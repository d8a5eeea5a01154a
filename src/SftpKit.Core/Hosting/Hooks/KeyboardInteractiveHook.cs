using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SftpKit.Accounts;

namespace SftpKit.Hosting.Hooks;

/// <summary>One round a keyboard-interactive hook answered (SFTPGo's fields).</summary>
internal sealed record KeyboardInteractiveRound(string Instruction, IReadOnlyList<string> Questions, IReadOnlyList<bool> Echos,
    int CheckPassword, int AuthResult);

/// <summary>
/// The keyboard-interactive hook, SFTPGo's contract. A URL gets one HTTP POST per round of
/// <c>{request_id, step, username, ip, password, answers, questions}</c> (<c>password</c> is the stored hash;
/// <c>answers</c> and <c>questions</c> null in the first); a program runs for the whole conversation with
/// <c>SFTPGO_AUTHD_USERNAME</c>, <c>SFTPGO_AUTHD_IP</c> and <c>SFTPGO_AUTHD_PASSWORD</c>, writes one JSON round per
/// line and reads the answers one per line. Each round is <c>{instruction, questions, echos, check_password,
/// auth_result}</c>. The conversation ends within <see cref="SftpAuthHookOptions.KeyboardInteractiveTimeout"/>.
/// </summary>
internal sealed class KeyboardInteractiveHook
{
    private readonly AuthHookRunner _runner;
    private readonly string _hook;

    public KeyboardInteractiveHook(AuthHookRunner runner, string hook)
    {
        _runner = runner;
        _hook = hook;
    }

    public async Task<Conversation> StartAsync(SshAuthContext context, SftpAccount account, CancellationToken cancellationToken)
    {
        var lifetime = new CancellationTokenSource(_runner.Options.KeyboardInteractiveTimeout);
        if (AuthHookRunner.IsUrl(_hook))
        {
            return new HttpConversation(_runner, _hook, context, account, lifetime);
        }
        IDisposable slot;
        try
        {
            slot = await _runner.EnterAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            lifetime.Dispose();
            throw;
        }
        try
        {
            var process = AuthHookRunner.StartProgram(_hook, new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["SFTPGO_AUTHD_USERNAME"] = context.UserName,
                ["SFTPGO_AUTHD_IP"] = HookLogin.Ip(context),
                ["SFTPGO_AUTHD_PASSWORD"] = account.PasswordHash ?? string.Empty,
            }, redirectInput: true);
            return new ProgramConversation(process, slot, lifetime, _runner.Options.MaxResponseBytes);
        }
        catch
        {
            slot.Dispose();
            lifetime.Dispose();
            throw;
        }
    }

    /// <summary>Parses one round.</summary>
    /// <exception cref="HookFailedException">Not a round object.</exception>
    internal static KeyboardInteractiveRound ParseRound(string text)
    {
        using var document = ExternalAuthHook.Parse(text);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new HookFailedException("The keyboard-interactive hook did not answer an object.");
        }
        try
        {
            string instruction = root.TryGetProperty("instruction", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString()! : string.Empty;
            var questions = root.TryGetProperty("questions", out var q) && q.ValueKind == JsonValueKind.Array
                ? q.EnumerateArray().Select(e => e.GetString() ?? string.Empty).ToList() : [];
            var echos = root.TryGetProperty("echos", out var e) && e.ValueKind == JsonValueKind.Array
                ? e.EnumerateArray().Select(x => x.GetBoolean()).ToList() : [];
            int check = root.TryGetProperty("check_password", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : 0;
            int result = root.TryGetProperty("auth_result", out var r) && r.ValueKind == JsonValueKind.Number ? r.GetInt32() : 0;
            return new KeyboardInteractiveRound(instruction, questions, echos, check, result);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            throw new HookFailedException("The keyboard-interactive hook answered a malformed round.", ex);
        }
    }

    /// <summary>One login's conversation with the hook.</summary>
    internal abstract class Conversation : IDisposable
    {
        protected Conversation(CancellationTokenSource lifetime) => Lifetime = lifetime;

        protected CancellationTokenSource Lifetime { get; }

        /// <summary>The current round's questions, once asked.</summary>
        public KeyboardInteractiveRound? Round { get; protected set; }

        /// <summary>Sends the answers to the last round (null for the first call) and reads the next round.</summary>
        /// <exception cref="TimeoutException">The conversation outlived its time.</exception>
        public async Task<KeyboardInteractiveRound> NextAsync(IReadOnlyList<string>? answers, CancellationToken cancellationToken)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, Lifetime.Token);
            try
            {
                Round = await ExchangeAsync(answers, linked.Token).ConfigureAwait(false);
                return Round;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException("The keyboard-interactive hook did not finish in time.");
            }
        }

        protected abstract Task<KeyboardInteractiveRound> ExchangeAsync(IReadOnlyList<string>? answers, CancellationToken cancellationToken);

        public virtual void Dispose() => Lifetime.Dispose();
    }

    private sealed class HttpConversation : Conversation
    {
        private readonly AuthHookRunner _runner;
        private readonly string _url;
        private readonly SshAuthContext _context;
        private readonly SftpAccount _account;
        private readonly string _requestId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));
        private int _step;

        public HttpConversation(AuthHookRunner runner, string url, SshAuthContext context, SftpAccount account, CancellationTokenSource lifetime)
            : base(lifetime)
        {
            _runner = runner;
            _url = url;
            _context = context;
            _account = account;
        }

        protected override async Task<KeyboardInteractiveRound> ExchangeAsync(IReadOnlyList<string>? answers, CancellationToken cancellationToken)
        {
            _step++;
            var body = new JsonObject
            {
                ["request_id"] = _requestId,
                ["step"] = _step,
                ["username"] = _context.UserName,
                ["ip"] = HookLogin.Ip(_context),
                ["password"] = _account.PasswordHash ?? string.Empty,
                ["answers"] = answers is null ? null : new JsonArray(answers.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray()),
                ["questions"] = answers is null || Round is null ? null
                    : new JsonArray(Round.Questions.Select(q => (JsonNode?)JsonValue.Create(q)).ToArray()),
            };
            var answer = await _runner.CallAsync(_url, body, null, new Dictionary<string, string>(), cancellationToken).ConfigureAwait(false);
            if (answer.Status != 200)
            {
                throw new HookFailedException("The keyboard-interactive hook answered a status other than 200.");
            }
            return ParseRound(answer.Body);
        }
    }

    private sealed class ProgramConversation : Conversation
    {
        private readonly Process _process;
        private readonly IDisposable _slot;
        private readonly int _maxLine;
        private readonly CancellationTokenRegistration _killOnTimeout;
        private int _disposed;
        private int _aborted;

        public ProgramConversation(Process process, IDisposable slot, CancellationTokenSource lifetime, int maxLine) : base(lifetime)
        {
            _process = process;
            _slot = slot;
            _maxLine = maxLine;
            _killOnTimeout = lifetime.Token.Register(Abort);
            _ = AuthHookRunner.DrainAsync(process.StandardError);
        }

        protected override async Task<KeyboardInteractiveRound> ExchangeAsync(IReadOnlyList<string>? answers, CancellationToken cancellationToken)
        {
            if (answers is not null)
            {
                foreach (string answer in answers)
                {
                    await _process.StandardInput.WriteAsync((answer.ReplaceLineEndings(" ") + "\n").AsMemory(), cancellationToken).ConfigureAwait(false);
                }
                await _process.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            string line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            return ParseRound(line);
        }

        /// <summary>The next non-empty line, at most the answer limit long.</summary>
        private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
        {
            var line = new StringBuilder();
            var one = new char[1];
            while (true)
            {
                int n = await _process.StandardOutput.ReadAsync(one.AsMemory(), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    throw new HookFailedException("The keyboard-interactive hook program ended without an answer.");
                }
                if (one[0] == '\n')
                {
                    if (line.ToString().Trim().Length > 0)
                    {
                        return line.ToString();
                    }
                    line.Clear();
                    continue;
                }
                if (line.Length >= _maxLine)
                {
                    throw new HookFailedException("The keyboard-interactive hook program wrote too long a line.");
                }
                line.Append(one[0]);
            }
        }

        /// <summary>Kills the program and frees its place (the conversation's time ran out, or it ended).</summary>
        private void Abort()
        {
            if (Interlocked.Exchange(ref _aborted, 1) == 0)
            {
                AuthHookRunner.Kill(_process);
                _slot.Dispose();
            }
        }

        public override void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }
            _killOnTimeout.Dispose();
            Abort();
            _process.Dispose();
            base.Dispose();
        }
    }
}
