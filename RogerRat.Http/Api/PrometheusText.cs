using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace RogerRat.Http.Api;

/// <summary>
/// Reads one meter through a <see cref="MeterListener"/> and writes its instruments in the Prometheus text exposition
/// format (0.0.4): counters as <c>_total</c>, observable gauges read at scrape time. Written by hand, no dependency.
/// </summary>
internal sealed class PrometheusText : IDisposable
{
    private readonly MeterListener _listener = new();
    // One cell per instrument and label set, added once and then updated in place: a measurement (several per request)
    // allocates nothing once its cell exists.
    private readonly ConcurrentDictionary<(Instrument Instrument, string Labels), Cell> _values = new();
    private readonly ConcurrentDictionary<Instrument, byte> _instruments = new();
    // The label text of a single tag, by key and value: every tag this hub records is one of a small fixed set.
    private readonly ConcurrentDictionary<(string Key, object? Value), string> _labels = new();

    private sealed class Cell
    {
        public long Value;
    }

    public PrometheusText(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, l) =>
        {
            if (!ReferenceEquals(instrument.Meter, meter)) return;
            _instruments.TryAdd(instrument, 0);
            l.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();
    }

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        var labels = tags.Length switch
        {
            0 => "",
            1 => _labels.TryGetValue((tags[0].Key, tags[0].Value), out var known) ? known : AddLabel(tags[0]),
            _ => Labels(tags),
        };
        var cell = _values.TryGetValue((instrument, labels), out var c) ? c : _values.GetOrAdd((instrument, labels), static _ => new Cell());
        if (instrument is ObservableGauge<long>) Volatile.Write(ref cell.Value, value);
        else Interlocked.Add(ref cell.Value, value);
    }

    private string AddLabel(KeyValuePair<string, object?> tag) => _labels.GetOrAdd((tag.Key, tag.Value), Labels([tag]));

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0) return "";
        var sb = new StringBuilder("{");
        for (var i = 0; i < tags.Length; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append(Name(tags[i].Key)).Append("=\"");
            foreach (var ch in Convert.ToString(tags[i].Value, CultureInfo.InvariantCulture) ?? "")
            {
                if (ch is '\\' or '"') sb.Append('\\').Append(ch);
                else if (ch == '\n') sb.Append("\\n");
                else sb.Append(ch);
            }
            sb.Append('"');
        }
        return sb.Append('}').ToString();
    }

    private static string Name(string otel)
    {
        var sb = new StringBuilder(otel.Length);
        foreach (var ch in otel) sb.Append(char.IsAsciiLetterOrDigit(ch) || ch == '_' ? ch : '_');
        return sb.ToString();
    }

    /// <summary>One scrape: gauges are observed now, counters are their running totals.</summary>
    public string Write()
    {
        _listener.RecordObservableInstruments();
        var sb = new StringBuilder();
        foreach (var instrument in _instruments.Keys.OrderBy(i => i.Name, StringComparer.Ordinal))
        {
            var gauge = instrument is ObservableGauge<long> or UpDownCounter<long>;
            var name = Name(instrument.Name) + (gauge ? "" : "_total");
            sb.Append("# HELP ").Append(name).Append(' ').Append(instrument.Description).Append('\n');
            sb.Append("# TYPE ").Append(name).Append(gauge ? " gauge\n" : " counter\n");
            var any = false;
            foreach (var (key, cell) in _values.Where(e => ReferenceEquals(e.Key.Instrument, instrument)).OrderBy(e => e.Key.Labels, StringComparer.Ordinal))
            {
                sb.Append(name).Append(key.Labels).Append(' ').Append(Volatile.Read(ref cell.Value).ToString(CultureInfo.InvariantCulture)).Append('\n');
                any = true;
            }
            if (!any && instrument is not ObservableGauge<long>) sb.Append(name).Append(" 0\n");
        }
        return sb.ToString();
    }

    public void Dispose() => _listener.Dispose();
}
