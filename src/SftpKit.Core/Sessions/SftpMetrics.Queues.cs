using System.Collections.Immutable;
using System.Diagnostics.Metrics;

namespace SftpKit.Sessions;

internal sealed partial class SftpMetrics
{
    /// <summary>The queues observed by the two event-queue instruments; registrations are few and fixed (one per queue).</summary>
    private sealed class QueueGauges
    {
        private ImmutableArray<Registration> _registrations = [];

        public IDisposable Add(string queue, Func<long> depth, Func<long>? dropped)
        {
            ArgumentException.ThrowIfNullOrEmpty(queue);
            ArgumentNullException.ThrowIfNull(depth);
            var registration = new Registration(this, queue, depth, dropped);
            ImmutableInterlocked.Update(ref _registrations, static (list, r) => list.Add(r), registration);
            return registration;
        }

        private void Remove(Registration registration) => ImmutableInterlocked.Update(ref _registrations, static (list, r) => list.Remove(r), registration);

        public IEnumerable<Measurement<long>> Depths()
        {
            foreach (var r in _registrations)
            {
                yield return new Measurement<long>(r.Depth(), new KeyValuePair<string, object?>("queue", r.Queue));
            }
        }

        public IEnumerable<Measurement<long>> Dropped()
        {
            foreach (var r in _registrations)
            {
                if (r.DroppedCount is { } dropped)
                {
                    yield return new Measurement<long>(dropped(), new KeyValuePair<string, object?>("queue", r.Queue));
                }
            }
        }

        private sealed class Registration(QueueGauges owner, string queue, Func<long> depth, Func<long>? dropped) : IDisposable
        {
            public string Queue => queue;

            public Func<long> Depth => depth;

            public Func<long>? DroppedCount => dropped;

            public void Dispose() => owner.Remove(this);
        }
    }
}
