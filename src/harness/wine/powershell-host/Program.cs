// pwsh-host: runs one script file (first argument, the rest are its arguments) or `-Command <text>`
// in a fresh runspace. Output goes to stdout as text (Out-String), errors to stderr. Exit code: the
// script's `exit N` — which a hosted runspace only reports as $LASTEXITCODE, so a native program's
// non-zero code at the very end counts too —, else 1 when anything failed (a terminating error or
// error records), else 0; 64 for a bad command line.
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text;

static class Program
{
    static int Main(string[] args)
    {
        var utf8 = new UTF8Encoding(false);
        var stdout = new StreamWriter(Console.OpenStandardOutput(), utf8) { AutoFlush = true };
        var stderr = new StreamWriter(Console.OpenStandardError(), utf8) { AutoFlush = true };
        if (args.Length == 0)
        {
            stderr.WriteLine("usage: pwsh-host <script.ps1> [args...] | pwsh-host -Command <text>");
            return 64;
        }

        var iss = InitialSessionState.CreateDefault2();
        // Unrestricted for this process only: the scripts are the tests' own.
        iss.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
        using var runspace = RunspaceFactory.CreateRunspace(iss);
        runspace.Open();
        using var ps = PowerShell.Create(runspace);

        if (args[0].Equals("-Command", StringComparison.OrdinalIgnoreCase) || args[0].Equals("-c", StringComparison.OrdinalIgnoreCase))
        {
            ps.AddScript(string.Join(' ', args.Skip(1)));
        }
        else
        {
            ps.AddCommand(Path.GetFullPath(args[0]));
            foreach (var a in args.Skip(1)) ps.AddArgument(a);
        }
        // Write-Host, warnings, verbose and debug text go to stdout with the output; errors stay apart.
        foreach (var stream in new[] { PipelineResultTypes.Warning, PipelineResultTypes.Verbose, PipelineResultTypes.Debug, PipelineResultTypes.Information })
            ps.Commands.Commands[0].MergeMyResults(stream, PipelineResultTypes.Output);
        ps.AddCommand("Out-String").AddParameter("Stream");

        var failed = false;
        int? exitCode = null;
        var output = new PSDataCollection<PSObject>();
        output.DataAdded += (s, e) => stdout.WriteLine(output[e.Index]?.ToString());
        try
        {
            ps.Invoke<PSObject>(null, output);
        }
        catch (ExitException ex)
        {
            // `exit N` at the top level of -Command text
            exitCode = ex.Argument is int code ? code : LanguagePrimitives.ConvertTo<int>(ex.Argument ?? 0);
        }
        catch (RuntimeException ex)
        {
            stderr.WriteLine(ex.ErrorRecord?.ToString() ?? ex.Message);
            if (ex.ErrorRecord?.InvocationInfo?.PositionMessage is string pos) stderr.WriteLine(pos);
            failed = true;
        }
        catch (Exception ex)
        {
            stderr.WriteLine(ex.ToString());
            failed = true;
        }
        foreach (var err in ps.Streams.Error)
        {
            stderr.WriteLine(err.ToString());
            failed = true;
        }
        if (exitCode is null && runspace.SessionStateProxy.GetVariable("LASTEXITCODE") is int n && n != 0) exitCode = n;
        // Not ps.HadErrors: a native program's non-zero exit sets it too, even when the script went on.
        return exitCode ?? (failed ? 1 : 0);
    }
}
