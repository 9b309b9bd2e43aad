using System.Globalization;
using System.Text;
using RogerRat.Core;

namespace RogerRat.Mcp.Tools;

/// <summary>How messages read in tool results (reference §3.4 formatMessages, plus ids so agents can resume).</summary>
internal static class MessageText
{
    public static string Format(IReadOnlyList<ChannelMessage> messages)
    {
        if (messages.Count == 0) return "(no messages)";
        var sb = new StringBuilder();
        foreach (var m in messages)
        {
            if (sb.Length > 0) sb.Append('\n');
            var time = DateTimeOffset.FromUnixTimeMilliseconds(m.At).UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
            sb.Append('#').Append(m.Id).Append(" [").Append(time).Append("] ").Append(m.From);
            sb.Append(m.IsBroadcast ? " (all)" : $" →{m.To}");
            if (m.Kind == MessageKind.Status) sb.Append(" [status]");
            if (m.Priority != MessagePriority.Default) sb.Append(" [").Append(RogerRat.Core.Service.WireJson.PriorityName(m.Priority)).Append(']');
            sb.Append(": ").Append(m.Text);
            if (m.Attachments is { Count: > 0 } attachments)
            {
                sb.Append(" 📎 ");
                sb.AppendJoin(", ", attachments.Select(a =>
                    $"[{a.Mime}{(a.Filename is null ? "" : $" \"{a.Filename}\"")} {Math.Round(a.DataBase64.Length * 3 / 4.0 / 1024)}KB]"));
            }
            if (m.SuggestedReplies is { Count: > 0 } replies) sb.Append("  → ").AppendJoin(" ", replies.Select(r => $"[{r}]"));
        }
        return sb.ToString();
    }
}
