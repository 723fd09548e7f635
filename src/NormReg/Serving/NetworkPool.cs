using System;
using System.Threading;

namespace NormReg;

/// <summary>
/// Serves one trained network to many threads at once. A network instance holds its activations in its own buffers,
/// so it runs one call at a time (a second thread entering it gets an <see cref="InvalidOperationException"/>); the
/// pool holds replicas with the trained network's whole state and lends one to each call. Calls allocate nothing, never
/// start a thread, and give bit for bit what the trained network's own <c>Predict</c> gives.
/// </summary>
/// <remarks>
/// <para>
/// Each replica holds its own copy of the weights and its own buffers for batches of up to its
/// <see cref="INetwork.MaxBatchSize"/>, so the pool needs <see cref="Size"/> times the memory of one network.
/// A call that finds every replica busy waits for one (spinning, then yielding), so more threads than replicas are
/// served too, only not all at once.
/// </para>
/// <para>
/// ASP.NET Core: register the pool as a singleton (<c>services.AddSingleton(new NetworkPool&lt;Scorer&gt;(trained, () =&gt; new Scorer(maxBatchSize: 64)))</c>)
/// and call <see cref="Predict(ReadOnlySpan{float}, Span{float}, int)"/> from any request.
/// </para>
/// </remarks>
/// <typeparam name="TNetwork">The generated network class.</typeparam>
public sealed class NetworkPool<TNetwork> where TNetwork : class, INetwork
{
    private readonly TNetwork?[] _idle;
    private readonly TNetwork[] _replicas;

    /// <summary>Creates <paramref name="size"/> replicas with <paramref name="create"/> and copies <paramref name="trained"/>'s whole state into each.</summary>
    /// <param name="trained">The network to serve; it is copied, not used, and stays free for more training.</param>
    /// <param name="create">Makes one new, independent instance, e.g. <c>() =&gt; new Scorer(maxBatchSize: 64)</c>; its seed does not matter.</param>
    /// <param name="size">Replicas, at least 1; 0 means one per processor (<see cref="Environment.ProcessorCount"/>).</param>
    /// <exception cref="ArgumentException"><paramref name="create"/> returned <paramref name="trained"/>, a replica twice, or a network of another declaration.</exception>
    public NetworkPool(TNetwork trained, Func<TNetwork> create, int size = 0)
    {
        ArgumentNullException.ThrowIfNull(trained);
        ArgumentNullException.ThrowIfNull(create);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (size == 0) size = Environment.ProcessorCount;
        _replicas = new TNetwork[size];
        _idle = new TNetwork?[size];
        for (int i = 0; i < size; i++)
        {
            TNetwork replica = create() ?? throw new ArgumentException("create returned null; it must return a new network.", nameof(create));
            if (ReferenceEquals(replica, trained) || Array.IndexOf(_replicas, replica, 0, i) >= 0)
            {
                throw new ArgumentException($"{trained.Architecture.Name}: create must return a new instance on each call; it returned {(ReferenceEquals(replica, trained) ? "the trained network itself" : "one replica twice")}.", nameof(create));
            }
            if (replica.Architecture.Fingerprint != trained.Architecture.Fingerprint || replica.StateLength != trained.StateLength)
            {
                throw new ArgumentException($"{trained.Architecture.Name}: create returned a {replica.Architecture.Name} of another declaration.", nameof(create));
            }
            _replicas[i] = replica;
            _idle[i] = replica;
        }
        Refresh(trained);
    }

    /// <summary>The number of replicas: how many calls run at the same time.</summary>
    public int Size => _replicas.Length;

    /// <summary>The largest batch one call may pass: the smallest <see cref="INetwork.MaxBatchSize"/> among the replicas.</summary>
    public int MaxBatchSize
    {
        get
        {
            int max = int.MaxValue;
            foreach (TNetwork replica in _replicas) max = Math.Min(max, replica.MaxBatchSize);
            return max;
        }
    }

    /// <summary>Copies <paramref name="trained"/>'s whole state into every replica, e.g. after more training; calls wait while it runs.</summary>
    /// <exception cref="ArgumentException"><paramref name="trained"/> is of another declaration than the replicas.</exception>
    public void Refresh(TNetwork trained)
    {
        ArgumentNullException.ThrowIfNull(trained);
        if (trained.StateLength != _replicas[0].StateLength || trained.Architecture.Fingerprint != _replicas[0].Architecture.Fingerprint)
        {
            throw new ArgumentException($"{trained.Architecture.Name} is of another declaration than this pool's {_replicas[0].Architecture.Name}.", nameof(trained));
        }
        float[] state = new float[trained.StateLength];
        trained.CopyState(state);
        // Every replica is taken before any is copied to, so no call mixes the old state with the new.
        var taken = new TNetwork[_replicas.Length];
        for (int i = 0; i < taken.Length; i++) taken[i] = Rent();
        try
        {
            foreach (TNetwork replica in taken) replica.RestoreState(state);
        }
        finally
        {
            foreach (TNetwork replica in taken) Return(replica);
        }
    }

    /// <summary>
    /// Predicts a batch in inference mode on a free replica, as the trained network's <c>Predict</c> would; safe to call
    /// from any number of threads at once.
    /// </summary>
    /// <param name="inputs"><paramref name="batchSize"/> × InputSize features, row-major.</param>
    /// <param name="outputs">Receives <paramref name="batchSize"/> × OutputSize values, row-major.</param>
    /// <param name="batchSize">Samples in the batch, from 1 to <see cref="MaxBatchSize"/>.</param>
    public void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize)
    {
        TNetwork replica = Rent();
        try
        {
            replica.Predict(inputs, outputs, batchSize);
        }
        finally
        {
            Return(replica);
        }
    }

    /// <summary>Predicts one sample in inference mode on a free replica; safe to call from any number of threads at once.</summary>
    /// <param name="input">InputSize features.</param>
    /// <param name="output">Receives OutputSize values.</param>
    public void Predict(ReadOnlySpan<float> input, Span<float> output) => Predict(input, output, 1);

    /// <summary>Takes a free replica out of its slot, starting from a slot that depends on the thread, so threads rarely meet.</summary>
    private TNetwork Rent()
    {
        int start = Environment.CurrentManagedThreadId;
        var wait = new SpinWait();
        while (true)
        {
            for (int k = 0; k < _idle.Length; k++)
            {
                int i = (int)((uint)(start + k) % (uint)_idle.Length);
                if (Volatile.Read(ref _idle[i]) is not null && Interlocked.Exchange(ref _idle[i], null) is { } replica) return replica;
            }
            wait.SpinOnce();
        }
    }

    /// <summary>Puts a replica back in an empty slot; there is always one, as there are as many slots as replicas.</summary>
    private void Return(TNetwork replica)
    {
        int start = Environment.CurrentManagedThreadId;
        while (true)
        {
            for (int k = 0; k < _idle.Length; k++)
            {
                int i = (int)((uint)(start + k) % (uint)_idle.Length);
                if (Interlocked.CompareExchange(ref _idle[i], replica, null) is null) return;
            }
        }
    }
}
