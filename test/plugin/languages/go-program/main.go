// The bootstrap of examples/yaml-bootstrap as a Go program against the generated Go SDK (sdks/go), with an explicit
// provider per tenant. Built by test/plugin/sdks.test.ts (not run: the Go language host is not available here).
package main

import (
	"github.com/pulumi-talend/pulumi-talend/sdks/go/talend"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		tenant, err := talend.NewProvider(ctx, "eu", &talend.ProviderArgs{Region: pulumi.String("eu"), Token: cfg.RequireSecret("euToken")})
		if err != nil {
			return err
		}
		catalog, err := talend.GetPermissionCatalog(ctx, pulumi.Provider(tenant))
		if err != nil {
			return err
		}
		ws, err := talend.GetWorkspace(ctx, &talend.GetWorkspaceArgs{Name: "ops", Environment: "development"}, pulumi.Provider(tenant))
		if err != nil {
			return err
		}
		permissions := pulumi.StringArray{pulumi.String("TMC_ENGINE_USE")}
		if catalog.TasksAndPlansEdit != nil {
			permissions = append(permissions, pulumi.String(*catalog.TasksAndPlansEdit))
		}
		runner, err := talend.NewServiceAccount(ctx, "runner", &talend.ServiceAccountArgs{Name: pulumi.String("go-runner"), Permissions: permissions}, pulumi.Provider(tenant))
		if err != nil {
			return err
		}
		grant, err := talend.NewWorkspacePermission(ctx, "runnerExecute", &talend.WorkspacePermissionArgs{
			ServiceAccountId: runner.ClientId,
			WorkspaceId:      pulumi.String(ws.Id),
			Permissions:      pulumi.StringArray{pulumi.String("EXECUTE")},
		}, pulumi.Provider(tenant))
		if err != nil {
			return err
		}
		seed, err := talend.NewTaskExecution(ctx, "seed", &talend.TaskExecutionArgs{
			Task:         pulumi.String("seed-database"),
			Workspace:    pulumi.String("ops"),
			Environment:  pulumi.String("development"),
			ClientId:     runner.ClientId,
			ClientSecret: runner.ClientSecret,
			Triggers:     pulumi.Any([]string{"1"}),
		}, pulumi.Provider(tenant), pulumi.DependsOn([]pulumi.Resource{grant}))
		if err != nil {
			return err
		}
		ctx.Export("clientSecret", runner.ClientSecret)
		ctx.Export("seedStatus", seed.Status)
		return nil
	})
}
