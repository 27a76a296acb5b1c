using System;
using System.Collections.Generic;
using System.Linq;

namespace Redoubt.Bench;

// The seconds one operation took in each timed run, and its rate in units per second.
public sealed class Timings
{
    private readonly List<double> _seconds = new();

    public Timings(string name) { Name = name; }

    public string Name { get; }

    public IReadOnlyList<double> Seconds => _seconds;

    public void Add(TimeSpan elapsed) => _seconds.Add(elapsed.TotalSeconds);

    public double MedianSeconds
    {
        get
        {
            double[] sorted = _seconds.Order().ToArray();
            int middle = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        }
    }

    // Rates: the slowest run gives the minimum, the fastest the maximum.
    public double MedianRate(double units) => units / MedianSeconds;

    public double MinRate(double units) => units / _seconds.Max();

    public double MaxRate(double units) => units / _seconds.Min();
}
