using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace RogerRat.Host.ListenHere;

/// <summary>The <c>--on-message</c> hook: <c>/bin/sh -c &lt;cmd&gt;</c> per message with the RR_* variables of
/// reference §11.3, inheriting stdio, not awaited.</summary>
internal static class Hook
{
    public static void Run(string command, string channel, JsonElement message, long id, List<string> saved, TextWriter stderr)
    {
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(command);
        psi.Environment["RR_MESSAGE"] = Inbox.Str(message, "text") ?? "";
        psi.Environment["RR_FROM"] = Inbox.Str(message, "from") ?? "";
        psi.Environment["RR_TO"] = Inbox.Str(message, "to") ?? "";
        psi.Environment["RR_MSG_ID"] = id.ToString(CultureInfo.InvariantCulture);
        psi.Environment["RR_CHANNEL"] = channel;
        psi.Environment["RR_PRIORITY"] = Inbox.Str(message, "priority") ?? "default";
        psi.Environment["RR_REPLIES"] = string.Join('\t', Inbox.Strings(message, "suggested_replies"));
        psi.Environment["RR_ATTACHMENTS"] = string.Join('\t', saved);
        try
        {
            using var p = Process.Start(psi);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            stderr.WriteLine($"rogerrat listen-here: hook failed to start: {e.Message}");
        }
    }
}
