using Afin.Cli;
using Afin.Network;

TorchRuntime.EnsureReproducible();
return AfinCommandLine.Run(args, Console.Out, Console.Error);
