// Deployment.TestAsync sets process-wide state (the deployment instance, PULUMI_CONFIG): one test at a time.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
