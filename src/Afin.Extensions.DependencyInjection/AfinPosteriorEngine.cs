using Afin.Inference;
using Afin.Modelling;
using Afin.Network;
using Afin.Persistence;

namespace Afin.Extensions.DependencyInjection;

/// <summary>
/// The default <see cref="IAfinPosteriorEngine"/>: requests go into a queue served by one dedicated worker thread, which gathers
/// every request queued while the network was busy (up to <see cref="AfinEngineOptions.BatchSize"/> problems) into one batched
/// forward pass. Under concurrent load this amortises the network's per-call cost; a lone request runs at once.
/// In <see cref="InferenceMode.Laplace"/> mode there is no network to share: each request computes its Laplace
/// approximations on the calling thread, with no queue and no worker.
/// </summary>
/// <remarks>
/// <para>Forward passes go through <see cref="AfinModel.Infer(IReadOnlyList{BayesianProblem})"/>, which is thread-safe (the
/// managed engine runs concurrent calls, and the problems of one large pass, in parallel), so the engine may share its model
/// with ML.NET transformers and other callers.</para>
/// <para>A failing combined pass is retried request by request, so one bad request does not fail the others.</para>
/// <para><see cref="Dispose"/> stops the worker and cancels requests still queued.</para>
/// </remarks>
public sealed class AfinPosteriorEngine : IAfinPosteriorEngine, IDisposable
{
    private readonly AfinEngineOptions _options;
    private readonly Lazy<AfinModel> _model;
    private readonly object _gate = new();
    private readonly Queue<Request> _queue = new();
    private readonly Thread? _worker;
    private volatile bool _stopping;
    private long _forwardPasses;
    private long _problems;
    private int _largestPass;

    /// <summary>Creates an engine over a loaded model (the caller keeps ownership of <paramref name="model"/>).</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public AfinPosteriorEngine(AfinModel model, AfinEngineOptions? options = null)
        : this(Given(model), options)
    {
    }

    /// <summary>
    /// Creates an engine whose model comes from <paramref name="model"/>: at once in the modes that run the network, and
    /// in Laplace mode only if <see cref="Model"/> is read, so that a Laplace engine never loads a network it does not use.
    /// </summary>
    internal AfinPosteriorEngine(Func<AfinModel> model, AfinEngineOptions? options)
    {
        _options = (options ?? new AfinEngineOptions()).Copy();
        var errors = _options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("AfinEngineOptions: " + string.Join("; ", errors), nameof(options));
        }
        _model = new Lazy<AfinModel>(model, LazyThreadSafetyMode.ExecutionAndPublication);
        if (_options.Mode == InferenceMode.Laplace)
        {
            return;
        }
        _ = _model.Value;
        _worker = new Thread(Work) { IsBackground = true, Name = "AfinPosteriorEngine" };
        _worker.Start();
    }

    /// <inheritdoc />
    /// <remarks>In Laplace mode inference never reads it; a model registered by <c>AddAfinPosterior</c> is then loaded only when this property is read.</remarks>
    public AfinModel Model => _model.Value;

    /// <summary>
    /// The number of forward passes run so far (one per micro-batch with a problem that needs the network; none in Laplace
    /// mode, nor for micro-batches of conjugate problems, which the checked modes answer exactly).
    /// </summary>
    public long ForwardPasses => Interlocked.Read(ref _forwardPasses);

    /// <summary>The number of problems inferred so far.</summary>
    public long ProblemsInferred => Interlocked.Read(ref _problems);

    /// <summary>The most problems one forward pass has taken so far.</summary>
    public int LargestPass => Volatile.Read(ref _largestPass);

    /// <inheritdoc />
    public async Task<AfinPosteriorResult> InferAsync(BayesianProblem problem, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (_options.Mode == InferenceMode.Laplace)
        {
            return InferLaplace([problem], cancellationToken)[0];
        }
        var results = await Enqueue([problem], cancellationToken).ConfigureAwait(false);
        return results[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AfinPosteriorResult>> InferBatchAsync(IReadOnlyList<BayesianProblem> problems, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problems);
        for (int i = 0; i < problems.Count; i++)
        {
            if (problems[i] is null)
            {
                throw new ArgumentNullException(nameof(problems), $"problems[{i}] is null");
            }
        }
        if (problems.Count == 0)
        {
            return [];
        }
        if (_options.Mode == InferenceMode.Laplace)
        {
            return InferLaplace(problems.ToArray(), cancellationToken);
        }
        return await Enqueue(problems.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public AfinPosteriorResult Infer(BayesianProblem problem) => InferAsync(problem).GetAwaiter().GetResult();

    /// <inheritdoc />
    public IReadOnlyList<AfinPosteriorResult> InferBatch(IReadOnlyList<BayesianProblem> problems) => InferBatchAsync(problems).GetAwaiter().GetResult();

    /// <summary>Stops the worker thread (after the pass in progress) and cancels the requests still queued; later requests throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }
            _stopping = true;
            Monitor.PulseAll(_gate);
        }
        if (_worker is not null && Thread.CurrentThread != _worker)
        {
            _worker.Join();
        }
    }

    /// <summary>Laplace mode: each problem's approximation on the calling thread, problem i seeded with Seed + i as in the queue.</summary>
    private AfinPosteriorResult[] InferLaplace(BayesianProblem[] problems, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        cancellationToken.ThrowIfCancellationRequested();
        var results = new AfinPosteriorResult[problems.Length];
        try
        {
            for (int i = 0; i < problems.Length; i++)
            {
                int seed = unchecked(_options.Seed + i);
                var outcome = AfinInference.RunLaplace(problems[i], InferenceOptions(seed), cancellationToken);
                results[i] = Result(outcome, seed, inTrainingRange: true);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Wrap(e, problems.Length);
        }
        Interlocked.Add(ref _problems, problems.Length);
        return results;
    }

    private Task<AfinPosteriorResult[]> Enqueue(BayesianProblem[] problems, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var request = new Request(problems, cancellationToken);
        if (cancellationToken.CanBeCanceled)
        {
            // A request cancelled while queued is dropped by the worker; once its pass has started, it completes normally.
            request.Registration = cancellationToken.Register(static state => ((Request)state!).Completion.TrySetCanceled(((Request)state!).Token), request);
        }
        lock (_gate)
        {
            if (_stopping)
            {
                request.Registration.Dispose();
                throw new ObjectDisposedException(nameof(AfinPosteriorEngine));
            }
            _queue.Enqueue(request);
            Monitor.Pulse(_gate);
        }
        return request.Completion.Task;
    }

    private void Work()
    {
        var batch = new List<Request>();
        while (true)
        {
            batch.Clear();
            lock (_gate)
            {
                while (_queue.Count == 0 && !_stopping)
                {
                    Monitor.Wait(_gate);
                }
                if (_stopping)
                {
                    while (_queue.TryDequeue(out var abandoned))
                    {
                        abandoned.Completion.TrySetException(new ObjectDisposedException(nameof(AfinPosteriorEngine)));
                    }
                    return;
                }
                if (_options.MaxBatchDelayMilliseconds > 0)
                {
                    var deadline = Environment.TickCount64 + _options.MaxBatchDelayMilliseconds;
                    long remaining;
                    while (!_stopping && _queue.Sum(r => r.Problems.Length) < _options.BatchSize && (remaining = deadline - Environment.TickCount64) > 0)
                    {
                        Monitor.Wait(_gate, (int)remaining);
                    }
                }
                int taken = 0;
                while (_queue.TryPeek(out var next) && (batch.Count == 0 || taken + next.Problems.Length <= _options.BatchSize))
                {
                    _queue.Dequeue();
                    if (!next.Completion.Task.IsCompleted)
                    {
                        batch.Add(next);
                        taken += next.Problems.Length;
                    }
                }
            }
            if (batch.Count > 0)
            {
                Run(batch);
            }
        }
    }

    private void Run(List<Request> batch)
    {
        var problems = batch.SelectMany(r => r.Problems).ToArray();
        IReadOnlyList<AfinPosterior?>? posteriors = null;
        try
        {
            posteriors = Forward(problems);
        }
        catch (Exception) when (batch.Count > 1)
        {
            // Retry request by request below, so that one bad request does not fail the others.
        }
        catch (Exception e)
        {
            batch[0].Fail(Wrap(e, batch[0].Problems.Length));
            return;
        }
        int offset = 0;
        foreach (var request in batch)
        {
            try
            {
                var own = posteriors is null ? Forward(request.Problems) : posteriors.Skip(offset).Take(request.Problems.Length).ToArray();
                var results = new AfinPosteriorResult[request.Problems.Length];
                for (int i = 0; i < results.Length; i++)
                {
                    results[i] = Checked(request.Problems[i], own[i], unchecked(_options.Seed + i));
                }
                request.Complete(results);
            }
            catch (Exception e)
            {
                request.Fail(Wrap(e, request.Problems.Length));
            }
            offset += request.Problems.Length;
        }
    }

    /// <summary>
    /// The network's posteriors of the problems whose mode uses them, in one pass; null for the others (conjugate problems
    /// the checked modes answer exactly, problems far outside the training range), which cost no pass at all.
    /// </summary>
    private AfinPosterior?[] Forward(BayesianProblem[] problems)
    {
        var result = new AfinPosterior?[problems.Length];
        Interlocked.Add(ref _problems, problems.Length);
        var needed = Enumerable.Range(0, problems.Length).Where(i => AfinInference.NeedsNetwork(Model, problems[i], _options.Mode)).ToArray();
        if (needed.Length == 0)
        {
            return result;
        }
        var passed = Model.Infer(needed.Select(i => problems[i]).ToArray());
        for (int j = 0; j < needed.Length; j++)
        {
            result[needed[j]] = passed[j];
        }
        Interlocked.Increment(ref _forwardPasses);
        int largest;
        while ((largest = Volatile.Read(ref _largestPass)) < needed.Length && Interlocked.CompareExchange(ref _largestPass, needed.Length, largest) != largest)
        {
        }
        return result;
    }

    /// <summary>The mode's outcome of a network posterior, with the model's verdict on the problem's range.</summary>
    private AfinPosteriorResult Checked(BayesianProblem problem, AfinPosterior? posterior, int seed)
    {
        var outcome = AfinInference.Decide(Model, problem, posterior, _options.Mode, InferenceOptions(seed));
        return Result(outcome, seed, outcome.InTrainingRange);
    }

    private AutoInferenceOptions InferenceOptions(int seed) => new() { ProposalDraws = _options.ProposalDraws, Seed = seed };

    private AfinPosteriorResult Result(InferenceOutcome outcome, int seed, bool inTrainingRange)
    {
        var mean = outcome.Mean;
        var std = outcome.StdDev;
        if (mean.Any(v => !double.IsFinite(v)) || std.Any(v => !double.IsFinite(v)))
        {
            throw new ArithmeticException($"the {outcome.Method} posterior has a non-finite mean or covariance");
        }
        return new AfinPosteriorResult
        {
            Mean = mean,
            StdDev = std,
            Covariance = outcome.Covariance,
            InTrainingRange = inTrainingRange,
            Flagged = outcome.Flagged,
            Samples = _options.SampleCount > 0 ? outcome.Sample(_options.SampleCount, seed) : null,
            Method = outcome.Method,
            Reason = outcome.Reason,
            ParetoK = outcome.ParetoK,
            EffectiveSampleSize = outcome.EffectiveSampleSize,
        };
    }

    private static InvalidOperationException Wrap(Exception e, int problems) =>
        new(problems == 1
            ? $"AfinPosteriorEngine: inference failed: {e.Message}"
            : $"AfinPosteriorEngine: inference failed for a batch of {problems} problems: {e.Message}", e);

    private sealed class Request(BayesianProblem[] problems, CancellationToken token)
    {
        public BayesianProblem[] Problems { get; } = problems;

        public CancellationToken Token { get; } = token;

        public TaskCompletionSource<AfinPosteriorResult[]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Registration { get; set; }

        public void Complete(AfinPosteriorResult[] results)
        {
            Completion.TrySetResult(results);
            Registration.Dispose();
        }

        public void Fail(Exception e)
        {
            Completion.TrySetException(e);
            Registration.Dispose();
        }
    }

    /// <summary>A loaded model as the source of the internal constructor, checked for null before anything else.</summary>
    private static Func<AfinModel> Given(AfinModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return () => model;
    }
}
