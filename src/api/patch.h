// JSON merge patch (RFC 7386) and JSON patch (RFC 6902) over rapidjson values, as the API server
// applies them for `application/merge-patch+json` and `application/json-patch+json` bodies.
//
// Messages follow evanphx/json-patch, which Kubernetes uses, so that kubectl users see familiar
// text ("testing value /a failed: test failed"). Where that library departs from the RFCs
// (replace or test of a missing member succeeds, negative array indices), the RFCs win.
//
// Thread safety: free functions, no shared state. The values passed in are not thread-safe.
#pragma once

#include "api/json.h"
#include "common/result.h"
#include "common/status.h"

namespace orchd::api {

// Applies the merge patch `patch` to `target` in place (RFC 7386): an object patch merges member
// by member, recursively, a null member deletes, any other member replaces; a patch that is not
// an object replaces the whole target. Values taken from `patch` are deep-copied with `alloc`,
// which must be the allocator `target` lives in. Never fails today (every JSON value is a valid
// merge patch); the Status leaves room for limits.
Status ApplyMergePatch(JsonValue& target, const JsonValue& patch, JsonAlloc& alloc);

// Applies the JSON patch `patch` (an array of operations: add, remove, replace, move, copy,
// test) to `target`, atomically: on any error `target` is left unchanged.
//   kBadRequest: the patch is not an array of objects, an op is unknown, `path`/`from`/`value`
//                is missing or of the wrong type, a pointer is malformed ("a/b", "/~2").
//   kInvalid:    a location does not exist (for remove, replace, test, move/copy `from`, or the
//                parent of an add), an array index is out of range or not an index, a test
//                fails, a move would put a value inside itself. (Upstream answers 422 for these.)
// Array indices follow RFC 6901: "0" or digits without a leading zero; "-" (one past the end)
// only as the target of add, move and copy. Numbers compare by value in test (1 equals 1.0).
Status ApplyJsonPatch(JsonValue& target, const JsonValue& patch, JsonAlloc& alloc);

// A merge patch that turns `original` into `modified` (two-way diff): members missing from
// `modified` become null, changed or added members are copied, objects recurse, arrays and
// scalars are replaced whole. When either side is not an object the patch is `modified` itself.
// A merge patch cannot set a member to null (null deletes), so a member that is null in
// `modified` and non-null in `original` comes out as a deletion.
Result<JsonDoc> CreateMergePatch(const JsonValue& original, const JsonValue& modified);

}  // namespace orchd::api
