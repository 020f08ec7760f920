using Afin.Simulation;
using Afin.Simulation.Simulators;

namespace Afin.Tests.Simulation;

[TestClass]
public sealed class SimulationSetTests
{
    [TestMethod]
    public void SimulationIsSeeded()
    {
        var first = SimulationSet.Simulate(ConjugateToy.Prior, ConjugateToy.Simulator, 300, seed: 4);
        var again = SimulationSet.Simulate(ConjugateToy.Prior, ConjugateToy.Simulator, 300, seed: 4);
        var other = SimulationSet.Simulate(ConjugateToy.Prior, ConjugateToy.Simulator, 300, seed: 5);
        CollectionAssert.AreEqual(first.Data, again.Data);
        CollectionAssert.AreEqual(first.Parameters, again.Parameters);
        CollectionAssert.AreNotEqual(first.Data, other.Data);
    }

    [TestMethod]
    public void NaNFromTheSimulatorIsReportedWithItsIndex()
    {
        var simulator = new FaultySimulator(bad: 300, length: 10, value: float.NaN);
        var error = Assert.ThrowsExactly<SimulatorOutputException>(() => SimulationSet.Simulate(ConjugateToy.Prior, simulator, 400, seed: 1));
        StringAssert.Contains(error.Message, "simulation 300");
        StringAssert.Contains(error.Message, "data[3] is NaN");
    }

    [TestMethod]
    public void WrongShapeFromTheSimulatorIsReportedWithItsIndex()
    {
        var simulator = new FaultySimulator(bad: 7, length: 9, value: 0f);
        var error = Assert.ThrowsExactly<SimulatorOutputException>(() => SimulationSet.Simulate(ConjugateToy.Prior, simulator, 20, seed: 1));
        StringAssert.Contains(error.Message, "simulation 7");
        StringAssert.Contains(error.Message, "returned 9 values; expected 10 (vector of 10)");
    }

    [TestMethod]
    public void SaveLoadRoundTripsAndCorruptionIsDetected()
    {
        var set = SimulationSet.Simulate(new UniformPrior(0, 0.6), new GaussianMeanSimulator(4, asReplicates: true), 50, seed: 2);
        string path = Path.Combine(Path.GetTempPath(), $"afin-set-{Guid.NewGuid():N}.sims");
        try
        {
            set.Save(path);
            var loaded = SimulationSet.Load(path);
            CollectionAssert.AreEqual(set.Data, loaded.Data);
            CollectionAssert.AreEqual(set.Parameters, loaded.Parameters);
            Assert.AreEqual(set.Shape, loaded.Shape);
            var bytes = File.ReadAllBytes(path);
            bytes[bytes.Length / 2] ^= 0x40;
            File.WriteAllBytes(path, bytes);
            var error = Assert.ThrowsExactly<InvalidDataException>(() => SimulationSet.Load(path));
            StringAssert.Contains(error.Message, "corrupt");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void SplitKeepsTheOrder()
    {
        var set = SimulationSet.Simulate(ConjugateToy.Prior, ConjugateToy.Simulator, 30, seed: 2);
        var (head, tail) = set.Split(20);
        Assert.AreEqual(20, head.Count);
        Assert.AreEqual(10, tail.Count);
        CollectionAssert.AreEqual(set.DataOf(25).ToArray(), tail.DataOf(5).ToArray());
    }

    /// <summary>Returns a bad data set (wrong length, or containing <c>value</c> at element 3) for simulation <c>bad</c>.</summary>
    private sealed class FaultySimulator(int bad, int length, float value) : ISimulator
    {
        private int _calls;

        public int ParameterCount => 1;

        public DataShape Shape => DataShape.Vector(10);

        public float[][] Simulate(IReadOnlyList<double[]> parameters, Random random)
        {
            var data = new float[parameters.Count][];
            for (int i = 0; i < data.Length; i++, _calls++)
            {
                data[i] = new float[_calls == bad ? length : 10];
                if (_calls == bad && length == 10)
                {
                    data[i][3] = value;
                }
            }
            return data;
        }
    }
}
