// JSON at the edge: parsing, serialising and small typed accessors over rapidjson.
//
// Objects travel through the API server as rapidjson documents (unknown fields are kept as sent);
// code that needs a field reads it through these accessors, which return empty values instead of
// asserting when a field is missing or has another type (user input is never trusted).
//
// Thread safety: free functions, no shared state. A rapidjson Value is not thread-safe; share
// serialised bytes between threads, not Values.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace orchd::api {

using JsonDoc = rapidjson::Document;
using JsonValue = rapidjson::Value;
using JsonAlloc = rapidjson::Document::AllocatorType;

// Parses a whole JSON text. kBadRequest naming the byte offset and rapidjson's reason when the
// text is not JSON (trailing garbage included).
Result<JsonDoc> ParseJson(std::string_view text);

// Compact JSON of `v`.
std::string ToJson(const JsonValue& v);
// Two-space indented JSON of `v` (for humans and tests).
std::string ToPrettyJson(const JsonValue& v);

// The member `key` of object `v`, or nullptr when `v` is not an object or has no such member.
const JsonValue* Member(const JsonValue& v, std::string_view key);
JsonValue* Member(JsonValue& v, std::string_view key);
// Member by a path of keys: Path(obj, {"metadata", "name"}).
const JsonValue* Path(const JsonValue& v, std::initializer_list<std::string_view> keys);

// Typed reads: the value when present with that type, else the fallback.
std::string_view GetString(const JsonValue& v, std::string_view key,
                           std::string_view fallback = {});
int64_t GetInt(const JsonValue& v, std::string_view key, int64_t fallback = 0);
bool GetBool(const JsonValue& v, std::string_view key, bool fallback = false);
std::string_view StringAt(const JsonValue& v, std::initializer_list<std::string_view> keys);
std::optional<int64_t> IntAt(const JsonValue& v, std::initializer_list<std::string_view> keys);

// The object member `key` of `v` (an object), created as {} when missing or not an object.
JsonValue& EnsureObject(JsonValue& v, std::string_view key, JsonAlloc& alloc);
// Sets member `key` of object `v` (replacing it when present).
void SetMember(JsonValue& v, std::string_view key, JsonValue value, JsonAlloc& alloc);
void SetString(JsonValue& v, std::string_view key, std::string_view value, JsonAlloc& alloc);
void SetInt(JsonValue& v, std::string_view key, int64_t value, JsonAlloc& alloc);
void SetBool(JsonValue& v, std::string_view key, bool value, JsonAlloc& alloc);
// Removes member `key` of object `v` if present (order of the others is kept).
void RemoveMember(JsonValue& v, std::string_view key);

inline JsonValue StringValue(std::string_view s, JsonAlloc& alloc) {
  return JsonValue(s.data(), static_cast<rapidjson::SizeType>(s.size()), alloc);
}
inline std::string_view AsView(const JsonValue& v) {
  return v.IsString() ? std::string_view(v.GetString(), v.GetStringLength()) : std::string_view();
}

// Deep equality of two JSON values (object member order ignored, 1 == 1.0 not equal to "1").
bool JsonEqual(const JsonValue& a, const JsonValue& b);

}  // namespace orchd::api
