#include "api/json.h"

#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace orchd::api {

namespace {
rapidjson::Value::StringRefType Ref(std::string_view key) {
  return {key.data(), static_cast<rapidjson::SizeType>(key.size())};
}
}  // namespace

Result<JsonDoc> ParseJson(std::string_view text) {
  JsonDoc doc;
  // Without kParseStopWhenDoneFlag, anything but white space after the root is an error.
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError()) {
    return Error(Code::kBadRequest, "json parse error at offset {}: {}", doc.GetErrorOffset(),
                 rapidjson::GetParseError_En(doc.GetParseError()));
  }
  return doc;
}

std::string ToJson(const JsonValue& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return {buf.GetString(), buf.GetSize()};
}

std::string ToPrettyJson(const JsonValue& v) {
  rapidjson::StringBuffer buf;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
  w.SetIndent(' ', 2);
  v.Accept(w);
  return {buf.GetString(), buf.GetSize()};
}

const JsonValue* Member(const JsonValue& v, std::string_view key) {
  if (!v.IsObject()) return nullptr;
  auto it = v.FindMember(JsonValue(Ref(key)));
  return it == v.MemberEnd() ? nullptr : &it->value;
}

JsonValue* Member(JsonValue& v, std::string_view key) {
  if (!v.IsObject()) return nullptr;
  auto it = v.FindMember(JsonValue(Ref(key)));
  return it == v.MemberEnd() ? nullptr : &it->value;
}

const JsonValue* Path(const JsonValue& v, std::initializer_list<std::string_view> keys) {
  const JsonValue* cur = &v;
  for (std::string_view k : keys) {
    cur = Member(*cur, k);
    if (cur == nullptr) return nullptr;
  }
  return cur;
}

std::string_view GetString(const JsonValue& v, std::string_view key, std::string_view fallback) {
  const JsonValue* m = Member(v, key);
  return m != nullptr && m->IsString() ? AsView(*m) : fallback;
}

int64_t GetInt(const JsonValue& v, std::string_view key, int64_t fallback) {
  const JsonValue* m = Member(v, key);
  return m != nullptr && m->IsInt64() ? m->GetInt64() : fallback;
}

bool GetBool(const JsonValue& v, std::string_view key, bool fallback) {
  const JsonValue* m = Member(v, key);
  return m != nullptr && m->IsBool() ? m->GetBool() : fallback;
}

std::string_view StringAt(const JsonValue& v, std::initializer_list<std::string_view> keys) {
  const JsonValue* m = Path(v, keys);
  return m != nullptr ? AsView(*m) : std::string_view();
}

std::optional<int64_t> IntAt(const JsonValue& v, std::initializer_list<std::string_view> keys) {
  const JsonValue* m = Path(v, keys);
  if (m == nullptr || !m->IsInt64()) return std::nullopt;
  return m->GetInt64();
}

JsonValue& EnsureObject(JsonValue& v, std::string_view key, JsonAlloc& alloc) {
  JsonValue* m = Member(v, key);
  if (m != nullptr) {
    if (!m->IsObject()) m->SetObject();
    return *m;
  }
  v.AddMember(StringValue(key, alloc), JsonValue(rapidjson::kObjectType), alloc);
  return *Member(v, key);
}

void SetMember(JsonValue& v, std::string_view key, JsonValue value, JsonAlloc& alloc) {
  JsonValue* m = Member(v, key);
  if (m != nullptr) {
    *m = std::move(value);
    return;
  }
  v.AddMember(StringValue(key, alloc), value, alloc);
}

void SetString(JsonValue& v, std::string_view key, std::string_view value, JsonAlloc& alloc) {
  SetMember(v, key, StringValue(value, alloc), alloc);
}
void SetInt(JsonValue& v, std::string_view key, int64_t value, JsonAlloc& alloc) {
  SetMember(v, key, JsonValue(value), alloc);
}
void SetBool(JsonValue& v, std::string_view key, bool value, JsonAlloc& alloc) {
  SetMember(v, key, JsonValue(value), alloc);
}

void RemoveMember(JsonValue& v, std::string_view key) {
  if (!v.IsObject()) return;
  auto it = v.FindMember(JsonValue(Ref(key)));
  if (it != v.MemberEnd()) v.EraseMember(it);
}

bool JsonEqual(const JsonValue& a, const JsonValue& b) {
  if (a.GetType() != b.GetType()) return false;
  switch (a.GetType()) {
    case rapidjson::kObjectType: {
      if (a.MemberCount() != b.MemberCount()) return false;
      for (const auto& m : a.GetObject()) {
        auto it = b.FindMember(m.name);
        if (it == b.MemberEnd() || !JsonEqual(m.value, it->value)) return false;
      }
      return true;
    }
    case rapidjson::kArrayType: {
      if (a.Size() != b.Size()) return false;
      for (rapidjson::SizeType i = 0; i < a.Size(); ++i) {
        if (!JsonEqual(a[i], b[i])) return false;
      }
      return true;
    }
    case rapidjson::kNumberType:
      if (a.IsInt64() && b.IsInt64()) return a.GetInt64() == b.GetInt64();
      if (a.IsUint64() && b.IsUint64()) return a.GetUint64() == b.GetUint64();
      return a.IsDouble() == b.IsDouble() && a.GetDouble() == b.GetDouble();
    default:
      return a == b;
  }
}

}  // namespace orchd::api
