using Affect.Pipeline.Activities;
using Affect.Pipeline.Storage;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
string connection = builder.Configuration["AffectStorage"]
    ?? builder.Configuration["AzureWebJobsStorage"]
    ?? throw new InvalidOperationException("Set the app setting AffectStorage (or AzureWebJobsStorage) to the artifact store's connection string.");
builder.Services.AddPipelineActivities(BlobStore.Open(connection));
builder.Build().Run();
