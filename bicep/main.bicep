// Affect on Azure: Durable Functions app (Flex Consumption) + Blob/Queue Storage reached with a managed identity
// + a GPU Container Apps job that trains LSTMs from the `lstm-training` queue (scaled from zero by queue length) and
//   announces each ended job on `lstm-completions`, whose queue trigger (LstmCompleted) raises the orchestration's event
// + a container registry for the trainer image + Application Insights.
// Build check (CI): bash infra/bicep-build.sh

targetScope = 'resourceGroup'

@description('Short name prefix for every resource (lowercase letters and digits).')
@minLength(3)
@maxLength(11)
param prefix string = 'affect'

@description('Azure region.')
param location string = resourceGroup().location

@description('CRON schedule of the nightly re-evaluation (Functions NCRONTAB, six fields).')
param nightlySchedule string = '0 0 2 * * *'

@description('Trainer image in the registry, e.g. affect-trainer:1.0 (built from infra/trainer/Dockerfile).')
param trainerImage string = 'affect-trainer:latest'

@description('Subscribe the CorpusUploaded function to the storage account\'s BlobCreated events. Event Grid validates the webhook when the subscription is created, so the first deployment (before the function code is published) sets this to false; redeploy with true after `func azure functionapp publish`.')
param subscribeCorpusUploads bool = true

@description('GPU workload profile type of the training job.')
param gpuProfileType string = 'Consumption-GPU-NC8as-T4'

var suffix = uniqueString(resourceGroup().id)
var storageName = toLower('${prefix}st${suffix}')
var deploymentContainer = 'app-package'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take(storageName, 24)
  location: location
  sku: { name: 'Standard_LRS' }
  kind: 'StorageV2'
  properties: {
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for name in [ 'corpora', 'artifacts', 'models', 'runs', 'experiments', deploymentContainer ]: {
  parent: blobService
  name: name
}]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

// lstm-training: jobs; lstm-training-poison: given-up jobs; lstm-completions: the worker's completion notices, raised as
// external events by the LstmCompleted queue trigger; lstm-completions-poison: notices the trigger could not raise.
resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [for name in [ 'lstm-training', 'lstm-training-poison', 'lstm-completions', 'lstm-completions-poison' ]: {
  parent: queueService
  name: name
}]

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${prefix}-logs-${suffix}'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${prefix}-ai-${suffix}'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
  }
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${prefix}-id-${suffix}'
  location: location
}

// Storage Blob Data Owner, Storage Queue Data Contributor, Storage Table Data Contributor (Durable Functions state),
// AcrPull for the trainer image.
var roles = [
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
]

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in roles: {
  name: guid(storage.id, identity.id, role)
  scope: storage
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: take(toLower('${prefix}acr${suffix}'), 50)
  location: location
  sku: { name: 'Basic' }
  properties: { adminUserEnabled: false }
}

resource acrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, identity.id, 'acrpull')
  scope: registry
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '7f951dda-4ed3-4680-a7ca-43fe172d538d')
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${prefix}-plan-${suffix}'
  location: location
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: '${prefix}-func-${suffix}'
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: 40
        instanceMemoryMB: 4096
      }
      runtime: { name: 'dotnet-isolated', version: '10.0' }
    }
    siteConfig: {
      appSettings: [
        { name: 'AzureWebJobsStorage__accountName', value: storage.name }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
        { name: 'AffectStorage__blobServiceUri', value: storage.properties.primaryEndpoints.blob }
        { name: 'AffectStorage__queueServiceUri', value: storage.properties.primaryEndpoints.queue }
        { name: 'AffectStorage__credential', value: 'managedidentity' }
        { name: 'AffectStorage__clientId', value: identity.properties.clientId }
        { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
        { name: 'NightlySchedule', value: nightlySchedule }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
      ]
    }
  }
  dependsOn: [ storageRoles ]
}

// Flex Consumption runs blob triggers only from Event Grid: the storage account's system topic pushes BlobCreated
// events for corpora/{corpus}/manifest.json to the Functions blob extension's webhook, keyed by its system key.
var corpusUploadedFunction = 'CorpusUploaded'

resource storageEvents 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: '${prefix}-st-events-${suffix}'
  location: location
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource corpusUploads 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = if (subscribeCorpusUploads) {
  parent: storageEvents
  name: 'corpus-manifest-uploaded'
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: 'https://${functionApp.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.${corpusUploadedFunction}&code=${listKeys('${functionApp.id}/host/default', '2024-04-01').systemKeys.blobs_extension}'
      }
    }
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: [ 'Microsoft.Storage.BlobCreated' ]
      subjectBeginsWith: '/blobServices/default/containers/corpora/blobs/'
      subjectEndsWith: '/manifest.json'
      isSubjectCaseSensitive: true
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${prefix}-env-${suffix}'
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
    workloadProfiles: [
      { name: 'Consumption', workloadProfileType: 'Consumption' }
      { name: 'gpu', workloadProfileType: gpuProfileType }
    ]
  }
}

resource trainer 'Microsoft.App/jobs@2025-01-01' = {
  name: '${prefix}-trainer'
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    environmentId: environment.id
    workloadProfileName: 'gpu'
    configuration: {
      triggerType: 'Event'
      replicaTimeout: 7200
      replicaRetryLimit: 1
      registries: [ { server: registry.properties.loginServer, identity: identity.id } ]
      eventTriggerConfig: {
        parallelism: 1
        replicaCompletionCount: 1
        scale: {
          minExecutions: 0
          maxExecutions: 4
          pollingInterval: 30
          rules: [
            {
              name: 'lstm-training-queue'
              type: 'azure-queue'
              metadata: {
                queueName: 'lstm-training'
                queueLength: '1'
                accountName: storage.name
              }
              identity: identity.id
            }
          ]
        }
      }
    }
    template: {
      containers: [
        {
          name: 'trainer'
          image: '${registry.properties.loginServer}/${trainerImage}'
          args: [ 'worker', '--store', 'azure-identity:${storage.name}', '--drain', '--device', 'auto' ]
          env: [ { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId } ]
          resources: { cpu: 8, memory: '56Gi' }
        }
      ]
    }
  }
  dependsOn: [ acrPull, storageRoles ]
}

output functionAppName string = functionApp.name
output storageAccountName string = storage.name
output registryLoginServer string = registry.properties.loginServer
