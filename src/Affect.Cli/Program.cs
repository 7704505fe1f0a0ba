using Affect.Cli;

return await AffectCommand.RunAsync(args);
