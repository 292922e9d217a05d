// Generates the Go and Python SDKs of pulumi-talend from its schema with Pulumi's own code generators
// (github.com/pulumi/pulumi/pkg/v3 codegen at v3.248.0). Usage: gen-sdks <schema.json> <out dir>.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blang/semver"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "pulumi-talend (npm run sdks)"

func main() {
	if len(os.Args) != 3 {
		fail(fmt.Errorf("usage: gen-sdks <schema.json> <out dir>"))
	}
	data, err := os.ReadFile(os.Args[1])
	check(err)
	var spec schema.PackageSpec
	check(json.Unmarshal(data, &spec))
	generators := map[string]func(*schema.Package) (map[string][]byte, error){
		"go":     func(p *schema.Package) (map[string][]byte, error) { return gogen.GeneratePackage(tool, p, nil) },
		"python": func(p *schema.Package) (map[string][]byte, error) { return python.GeneratePackage(tool, p, nil, noLoader{}) },
	}
	for lang, generate := range generators {
		// Each generator imports its language section into the package: bind a fresh one per language.
		pkg, diags, err := schema.BindSpec(spec, noLoader{}, schema.ValidationOptions{})
		check(err)
		if diags.HasErrors() {
			fail(diags)
		}
		files, err := generate(pkg)
		check(err)
		write(filepath.Join(os.Args[2], lang), files)
	}
}

func write(dir string, files map[string][]byte) {
	check(os.RemoveAll(dir))
	for name, content := range files {
		path := filepath.Join(dir, name)
		check(os.MkdirAll(filepath.Dir(path), 0o755))
		check(os.WriteFile(path, content, 0o644))
	}
}

// noLoader: the schema refers to no other package, so nothing is ever loaded.
type noLoader struct{}

func (noLoader) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("the talend schema refers to no other package (asked for %q)", pkg)
}

func (l noLoader) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return l.LoadPackage(d.Name, nil)
}

func (l noLoader) LoadPackageReference(pkg string, v *semver.Version) (schema.PackageReference, error) {
	_, err := l.LoadPackage(pkg, v)
	return nil, err
}

func (l noLoader) LoadPackageReferenceV2(_ context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	return l.LoadPackageReference(d.Name, nil)
}

func check(err error) {
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gen-sdks:", err)
	os.Exit(1)
}
