using Afin.Cli;

return AfinCommandLine.Run(args, Console.Out, Console.Error);
