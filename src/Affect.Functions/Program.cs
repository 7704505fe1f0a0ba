using Affect.Pipeline.Activities;
using Affect.Pipeline.Training;
using Affect.Storage;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);

// The artifact store: a connection string in AffectStorage (local: UseDevelopmentStorage=true), or, on Azure,
// identity-based settings AffectStorage__blobServiceUri (+ __clientId) written by bicep/main.bicep.
string store = builder.Configuration["AffectStorage"] switch
{
    { Length: > 0 } connection => connection,
    _ when builder.Configuration["AffectStorage:blobServiceUri"] is { Length: > 0 } uri => BlobStore.IdentityPrefix + new Uri(uri).Host.Split('.')[0],
    _ => builder.Configuration["AzureWebJobsStorage"]
        ?? throw new InvalidOperationException("Set AffectStorage to the artifact store's connection string, or AffectStorage__blobServiceUri for a managed identity."),
};
builder.Services.AddPipelineActivities(BlobStore.Open(store), trainingQueue: TrainingQueues.Open(store, TrainingQueueNames.Jobs));
builder.Build().Run();
