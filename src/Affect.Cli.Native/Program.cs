using Affect.Cli.Native;

return NativeEntry.Run(args);
