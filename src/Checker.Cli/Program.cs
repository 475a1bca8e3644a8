return Checker.Cli.App.Run(args);
