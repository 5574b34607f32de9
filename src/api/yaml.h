// YAML at the edge: request bodies and kubectl-style output, converted to and from JSON the way
// Kubernetes does it (sigs.k8s.io/yaml over go-yaml v2, i.e. YAML 1.1 scalar resolution).
//
// ParseYaml resolves plain scalars as go-yaml v2 does:
//   null:  "", ~, null, Null, NULL
//   bool:  y Y yes Yes YES on On ON true True TRUE, and n N no No NO off Off OFF false False FALSE
//   int:   decimal, 0x hex, 0o or leading-0 octal, 0b binary, with an optional sign and '_'
//   float: 1.5, .5, 1e3, 1.; .inf/.nan are rejected as JSON cannot hold them
// Everything else, and every quoted scalar, is a string (timestamps too). Floats with an integral
// value come out as JSON integers (replicas: 3.0 is 3), as they do after upstream's trip through
// encoding/json. Map keys become strings (1 -> "1", true -> "true", 1.5 -> "1.5"); null keys and
// collection keys are errors. Anchors, aliases and `<<` merge keys work; duplicate keys keep the
// last value. Object members keep document order (upstream sorts them; order has no meaning).
//
// Errors are kBadRequest with upstream's text, e.g.
//   error converting YAML to JSON: yaml: line 3: mapping values are not allowed in this context
// (the line is go-yaml's: 1-based for scanner errors, as go-yaml reports it for parser errors).
//
// Thread safety: free functions, no shared state.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "api/json.h"
#include "common/result.h"

namespace orchd::api {

// Collections nested deeper than this (after alias expansion) are rejected.
inline constexpr int kMaxYamlDepth = 100;
// At most this many values (keys included, after alias expansion) are produced from one
// document; more is an alias bomb ("billion laughs") and is rejected.
inline constexpr int64_t kMaxYamlNodes = 1'000'000;
// At most this many bytes of scalar text are produced by alias expansion.
inline constexpr int64_t kMaxYamlAliasBytes = int64_t{32} * 1024 * 1024;

// Converts one YAML document to JSON. Empty documents (nothing, comments, a bare `---`, `null`)
// are skipped; no document at all gives null. More than one non-empty document is kBadRequest
// "expected a single YAML document". JSON is YAML, so JSON text parses too.
Result<JsonDoc> ParseYaml(std::string_view text);

// `v` as YAML, as `kubectl get -o yaml` prints it: block style, two-space indent, sequences not
// indented under their key, `{}`/`[]` for empty collections, a trailing newline. Strings are
// plain unless they would read back as something else ("true", "123", "", "2024-01-01") or
// contain YAML syntax (then quoted), multi-line strings use `|`, long plain strings fold at 80
// columns, strings that are not UTF-8 become `!!binary`. ParseYaml(ToYaml(v)) equals v.
std::string ToYaml(const JsonValue& v);

// True when the first byte that is not white space is '{' or '[' (the body is JSON, not YAML).
bool LooksLikeJson(std::string_view text);

}  // namespace orchd::api
