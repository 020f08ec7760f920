using Afin.Cli;

// Nothing of TorchSharp here: commands that only infer never load it (TorchRuntime prepares it where a command trains).
return AfinCommandLine.Run(args, Console.Out, Console.Error);
