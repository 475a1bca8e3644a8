using Checker.Check;

// checker-check FILE... [options]: exactly `checker check FILE... [options]` (verdicts, output, --json, exit
// codes), without --report, which needs `checker check`.
return CheckProgram.Run(
    args,
    new CheckHost("checker-check", "run 'checker-check --help' for the options", WriteReport: null)
);
