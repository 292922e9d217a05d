// Generates the .NET SDK of pulumi-talend from its schema with Pulumi's own code generator: codegen/dotnet exists
// only in older pkg versions (v3.206.0, the version the YAML host is built with). Usage: gen-sdks-dotnet <schema.json> <out dir>.
package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"

	"github.com/blang/semver"

	"github.com/pulumi/pulumi/pkg/v3/codegen/dotnet"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

func main() {
	// The generator downloads a logo for the NuGet package; this machine has no internet: it gets a built-in one.
	http.DefaultClient.Transport = builtinLogo{}
	if len(os.Args) != 3 {
		fail(fmt.Errorf("usage: gen-sdks-dotnet <schema.json> <out dir>"))
	}
	data, err := os.ReadFile(os.Args[1])
	check(err)
	var spec schema.PackageSpec
	check(json.Unmarshal(data, &spec))
	pkg, diags, err := schema.BindSpec(spec, noLoader{}, schema.ValidationOptions{})
	check(err)
	if diags.HasErrors() {
		fail(diags)
	}
	files, err := dotnet.GeneratePackage("pulumi-talend (npm run sdks)", pkg, nil, nil)
	check(err)
	dir := filepath.Join(os.Args[2], "dotnet")
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

// builtinLogo answers every request with a 1x1 PNG: the only request the generator makes is for its logo.
type builtinLogo struct{}

const logoPNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="

func (builtinLogo) RoundTrip(r *http.Request) (*http.Response, error) {
	png, _ := base64.StdEncoding.DecodeString(logoPNG)
	return &http.Response{StatusCode: 200, Body: io.NopCloser(bytes.NewReader(png)), Header: http.Header{}, Request: r}, nil
}

func check(err error) {
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gen-sdks-dotnet:", err)
	os.Exit(1)
}
