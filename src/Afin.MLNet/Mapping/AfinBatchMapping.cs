using Microsoft.ML;
using Microsoft.ML.Data;

namespace Afin.MLNet.Mapping;

/// <summary>The AFIN transformer's mapping: problem columns in, posterior columns out, one batched forward pass per batch.</summary>
internal sealed class AfinBatchMapping(OutputLayout layout, PosteriorComputer computer) : IBatchMapping<RawProblem, PosteriorRow>
{
    public DataViewSchema Input => layout.Input;

    public DataViewSchema Output => layout.Output;

    public int InputCount => layout.InputCount;

    public int BatchSize => layout.Options.BatchSize;

    public IEnumerable<DataViewSchema.Column> NeededInputs => ProblemReader.Needed(layout.Bound);

    public Func<RawProblem> CreateReader(DataViewRow row) => new ProblemReader(row, layout.Options, layout.Bound).Read;

    public PosteriorRow[] Compute(IReadOnlyList<(RawProblem? Raw, Exception? Error)> rows, long firstRow) => computer.Compute(rows, firstRow);

    public Delegate OutputGetter(int index, Func<PosteriorRow> current) => layout.OutputGetter(index, current);
}
