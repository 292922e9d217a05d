module pulumi-talend/gen-sdks

go 1.24

require github.com/pulumi/pulumi/pkg/v3 v3.248.0

// pkg/v3's own non-local replace directive, repeated (a dependency's replace lines do not apply here).
replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
