#include "api/patch.h"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orchd::api {

namespace {

// Upstream limits (k8s.io/apiserver): at most this many operations in one JSON patch (413
// beyond), and at most this many bytes added by `copy` operations (JSONPatchMaxCopyBytes).
constexpr size_t kMaxJsonPatchOperations = 10000;
constexpr size_t kMaxJsonPatchCopyBytes = size_t{3} * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Merge patch.

void MergeInto(JsonValue& target, const JsonValue& patch, JsonAlloc& alloc) {
  if (!patch.IsObject()) {
    target.CopyFrom(patch, alloc);
    return;
  }
  if (!target.IsObject()) target.SetObject();
  for (const auto& m : patch.GetObject()) {
    const std::string_view name = AsView(m.name);
    if (m.value.IsNull()) {
      RemoveMember(target, name);
      continue;
    }
    JsonValue* existing = Member(target, name);
    if (existing != nullptr) {
      MergeInto(*existing, m.value, alloc);
      continue;
    }
    // A new member: an object value still goes through MergeInto so that its nulls are dropped.
    JsonValue value(rapidjson::kObjectType);
    MergeInto(value, m.value, alloc);
    target.AddMember(StringValue(name, alloc), value, alloc);
  }
}

void DiffInto(const JsonValue& original, const JsonValue& modified, JsonValue& patch,
              JsonAlloc& alloc) {
  for (const auto& m : modified.GetObject()) {
    const std::string_view name = AsView(m.name);
    const JsonValue* before = Member(original, name);
    if (before != nullptr && before->IsObject() && m.value.IsObject()) {
      JsonValue sub(rapidjson::kObjectType);
      DiffInto(*before, m.value, sub, alloc);
      if (sub.MemberCount() > 0) patch.AddMember(StringValue(name, alloc), sub, alloc);
      continue;
    }
    if (before != nullptr && JsonEqual(*before, m.value)) continue;
    patch.AddMember(StringValue(name, alloc), JsonValue(m.value, alloc), alloc);
  }
  for (const auto& m : original.GetObject()) {
    if (Member(modified, AsView(m.name)) == nullptr) {
      patch.AddMember(JsonValue(m.name, alloc), JsonValue(rapidjson::kNullType), alloc);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// JSON patch.

// A parsed JSON pointer (RFC 6901).
struct Pointer {
  std::string_view text;            // as written, for messages
  std::vector<std::string> tokens;  // unescaped reference tokens; empty for the whole document
};

// An array index as RFC 6901 spells it ("0", or digits without a leading zero); nullopt otherwise.
std::optional<size_t> ParseIndex(std::string_view token) {
  if (token.empty() || token.size() > 15) return std::nullopt;
  if (token.size() > 1 && token[0] == '0') return std::nullopt;
  size_t n = 0;
  for (char c : token) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<size_t>(c - '0');
  }
  return n;
}

const char* GoTypeName(const JsonValue& v) {
  switch (v.GetType()) {
    case rapidjson::kObjectType:
      return "object";
    case rapidjson::kArrayType:
      return "array";
    case rapidjson::kStringType:
      return "string";
    case rapidjson::kNumberType:
      return "number";
    case rapidjson::kTrueType:
    case rapidjson::kFalseType:
      return "bool";
    case rapidjson::kNullType:
      return "null";
  }
  return "value";
}

// Numbers compare by value (RFC 6902 section 4.6), everything else structurally.
bool TestEqual(const JsonValue& a, const JsonValue& b) {
  if (a.IsNumber() && b.IsNumber()) {
    if (a.IsInt64() && b.IsInt64()) return a.GetInt64() == b.GetInt64();
    if (a.IsUint64() && b.IsUint64()) return a.GetUint64() == b.GetUint64();
    return a.GetDouble() == b.GetDouble();
  }
  if (a.GetType() != b.GetType()) return false;
  if (a.IsObject()) {
    if (a.MemberCount() != b.MemberCount()) return false;
    for (const auto& m : a.GetObject()) {
      auto it = b.FindMember(m.name);
      if (it == b.MemberEnd() || !TestEqual(m.value, it->value)) return false;
    }
    return true;
  }
  if (a.IsArray()) {
    if (a.Size() != b.Size()) return false;
    for (rapidjson::SizeType i = 0; i < a.Size(); ++i) {
      if (!TestEqual(a[i], b[i])) return false;
    }
    return true;
  }
  return a == b;
}

// One operation of a patch being applied to the working copy `doc`.
class Operation {
 public:
  Operation(const JsonValue& op, JsonValue& doc, JsonAlloc& alloc, size_t* copied_bytes)
      : op_(op), doc_(doc), alloc_(alloc), copied_bytes_(copied_bytes) {}

  Status Apply() {
    const JsonValue* kind = Member(op_, "op");
    name_ = kind != nullptr && kind->IsString() ? AsView(*kind) : std::string_view("unknown");
    if (name_ == "add") return Add();
    if (name_ == "remove") return Remove();
    if (name_ == "replace") return Replace();
    if (name_ == "move") return Move();
    if (name_ == "copy") return Copy();
    if (name_ == "test") return Test();
    return Error(Code::kBadRequest, "Unexpected kind: {}", name_);
  }

 private:
  // The pointer in member `field` ("path" or "from") of the operation.
  Result<Pointer> ReadPointer(std::string_view field) const {
    const JsonValue* v = Member(op_, field);
    if (v == nullptr || !v->IsString()) {
      if (v != nullptr && !v->IsNull()) {  // null counts as missing, as in Go
        return Error(Code::kBadRequest,
                     "{} operation failed to decode {}: json: cannot unmarshal {} into Go value "
                     "of type string",
                     name_, field, GoTypeName(*v));
      }
      return Error(Code::kBadRequest,
                   "{} operation failed to decode {}: operation{} missing {} "
                   "field: missing value",
                   name_, field, field == "path" ? "" : ",", field);
    }
    Pointer p;
    p.text = AsView(*v);
    if (p.text.empty()) return p;
    if (p.text[0] != '/') {
      return Error(Code::kBadRequest,
                   "{} operation failed to decode {}: invalid JSON pointer \"{}\": it must be "
                   "empty or start with '/'",
                   name_, field, p.text);
    }
    std::string token;
    for (size_t i = 1; i <= p.text.size(); ++i) {
      if (i == p.text.size() || p.text[i] == '/') {
        p.tokens.push_back(std::move(token));
        token.clear();
        continue;
      }
      if (p.text[i] != '~') {
        token.push_back(p.text[i]);
        continue;
      }
      const char next = i + 1 < p.text.size() ? p.text[i + 1] : '\0';
      if (next != '0' && next != '1') {
        return Error(Code::kBadRequest,
                     "{} operation failed to decode {}: invalid JSON pointer \"{}\": '~' must be "
                     "followed by '0' or '1'",
                     name_, field, p.text);
      }
      token.push_back(next == '0' ? '~' : '/');
      ++i;
    }
    return p;
  }

  Result<const JsonValue*> ReadValue() const {
    const JsonValue* v = Member(op_, "value");
    if (v == nullptr) {
      return Error(Code::kBadRequest,
                   "{} operation failed to decode value: operation, missing value field: "
                   "missing value",
                   name_);
    }
    return v;
  }

  // The object or array holding the last token of `p`, or nullptr when an intermediate location
  // does not exist (or is a scalar). `p` must have at least one token.
  JsonValue* Parent(const Pointer& p) const {
    JsonValue* cur = &doc_;
    for (size_t i = 0; i + 1 < p.tokens.size(); ++i) {
      if (cur->IsObject()) {
        cur = Member(*cur, p.tokens[i]);
      } else if (cur->IsArray()) {
        std::optional<size_t> idx = ParseIndex(p.tokens[i]);
        cur = idx && *idx < cur->Size() ? &(*cur)[static_cast<rapidjson::SizeType>(*idx)] : nullptr;
      } else {
        cur = nullptr;
      }
      if (cur == nullptr) return nullptr;
    }
    return cur->IsObject() || cur->IsArray() ? cur : nullptr;
  }

  // The value at `p`, or nullptr when there is none.
  JsonValue* Find(const Pointer& p) const {
    if (p.tokens.empty()) return &doc_;
    JsonValue* parent = Parent(p);
    if (parent == nullptr) return nullptr;
    const std::string& last = p.tokens.back();
    if (parent->IsObject()) return Member(*parent, last);
    std::optional<size_t> idx = ParseIndex(last);
    if (!idx || *idx >= parent->Size()) return nullptr;
    return &(*parent)[static_cast<rapidjson::SizeType>(*idx)];
  }

  Status InvalidIndex(const Pointer& p) const {
    return Error(Code::kInvalid,
                 "error in {} for path: '{}': Unable to access invalid index: {}: invalid index "
                 "referenced",
                 name_, p.text, p.tokens.back());
  }

  // Adds `value` at `p` (the add semantics shared by add, move and copy).
  Status AddAt(const Pointer& p, JsonValue value) {
    if (p.tokens.empty()) {
      doc_ = value;  // rapidjson assignment moves
      return Status::Ok();
    }
    JsonValue* parent = Parent(p);
    if (parent == nullptr) {
      if (name_ == "add") {
        return Error(Code::kInvalid,
                     "add operation does not apply: doc is missing path: \"{}\": missing value",
                     p.text);
      }
      return Error(Code::kInvalid,
                   "{} operation does not apply: doc is missing destination path: {}: missing "
                   "value",
                   name_, p.text);
    }
    const std::string& last = p.tokens.back();
    if (parent->IsObject()) {
      SetMember(*parent, last, std::move(value), alloc_);
      return Status::Ok();
    }
    const size_t size = parent->Size();
    std::optional<size_t> idx = last == "-" ? std::optional<size_t>(size) : ParseIndex(last);
    if (!idx || *idx > size) return InvalidIndex(p);
    parent->PushBack(value, alloc_);
    for (size_t i = size; i > *idx; --i) {
      (*parent)[static_cast<rapidjson::SizeType>(i)].Swap(
          (*parent)[static_cast<rapidjson::SizeType>(i - 1)]);
    }
    return Status::Ok();
  }

  Status Add() {
    ORCHD_ASSIGN_OR_RETURN(Pointer path, ReadPointer("path"));
    ORCHD_ASSIGN_OR_RETURN(const JsonValue* value, ReadValue());
    return AddAt(path, JsonValue(*value, alloc_));
  }

  Status Remove() {
    ORCHD_ASSIGN_OR_RETURN(Pointer path, ReadPointer("path"));
    JsonValue* parent = path.tokens.empty() ? nullptr : Parent(path);
    if (parent == nullptr) {
      return Error(Code::kInvalid,
                   "remove operation does not apply: doc is missing path: \"{}\": missing value",
                   path.text);
    }
    const std::string& last = path.tokens.back();
    if (parent->IsObject()) {
      if (Member(*parent, last) == nullptr) {
        return Error(Code::kInvalid,
                     "error in remove for path: '{}': Unable to remove nonexistent key: {}: "
                     "missing value",
                     path.text, last);
      }
      RemoveMember(*parent, last);
      return Status::Ok();
    }
    std::optional<size_t> idx = ParseIndex(last);
    if (!idx || *idx >= parent->Size()) return InvalidIndex(path);
    parent->Erase(parent->Begin() + static_cast<ptrdiff_t>(*idx));
    return Status::Ok();
  }

  Status Replace() {
    ORCHD_ASSIGN_OR_RETURN(Pointer path, ReadPointer("path"));
    ORCHD_ASSIGN_OR_RETURN(const JsonValue* value, ReadValue());
    if (!path.tokens.empty() && Parent(path) == nullptr) {
      return Error(Code::kInvalid,
                   "replace operation does not apply: doc is missing path: {}: missing value",
                   path.text);
    }
    JsonValue* target = Find(path);
    if (target == nullptr) {
      return Error(Code::kInvalid,
                   "replace operation does not apply: doc is missing key: {}: missing value",
                   path.text);
    }
    target->CopyFrom(*value, alloc_);
    return Status::Ok();
  }

  // The value at `from` for move and copy, or the kInvalid error naming it.
  Result<JsonValue*> FindFrom(const Pointer& from) const {
    JsonValue* v = Find(from);
    if (v == nullptr) {
      return Error(Code::kInvalid,
                   "{} operation does not apply: doc is missing from path: {}: missing value",
                   name_, from.text);
    }
    return v;
  }

  Status Move() {
    ORCHD_ASSIGN_OR_RETURN(Pointer from, ReadPointer("from"));
    ORCHD_ASSIGN_OR_RETURN(Pointer path, ReadPointer("path"));
    ORCHD_ASSIGN_OR_RETURN(JsonValue * source, FindFrom(from));
    if (from.tokens == path.tokens) return Status::Ok();
    if (from.tokens.size() < path.tokens.size() &&
        std::equal(from.tokens.begin(), from.tokens.end(), path.tokens.begin())) {
      return Error(Code::kInvalid,
                   "move operation does not apply: from {} is a proper prefix of path {}",
                   from.text, path.text);
    }
    // `from` is not a prefix of `path`, so it has a parent and the value can be taken out.
    JsonValue value;
    value.Swap(*source);
    JsonValue* parent = Parent(from);
    if (parent->IsObject()) {
      RemoveMember(*parent, from.tokens.back());
    } else {
      parent->Erase(source);
    }
    return AddAt(path, std::move(value));
  }

  Status Copy() {
    ORCHD_ASSIGN_OR_RETURN(Pointer from, ReadPointer("from"));
    ORCHD_ASSIGN_OR_RETURN(Pointer path, ReadPointer("path"));
    ORCHD_ASSIGN_OR_RETURN(JsonValue * source, FindFrom(from));
    *copied_bytes_ += ToJson(*source).size();
    if (*copied_bytes_ > kMaxJsonPatchCopyBytes) {
      return Error(Code::kInvalid,
                   "Unable to complete the copy, the accumulated size increase of copy is {}, "
                   "exceeding the limit {}",
                   *copied_bytes_, kMaxJsonPatchCopyBytes);
    }
    return AddAt(path, JsonValue(*source, alloc_));
  }

  Status Test() {
    ORCHD_ASSIGN_OR_RETURN(Pointer path, ReadPointer("path"));
    ORCHD_ASSIGN_OR_RETURN(const JsonValue* value, ReadValue());
    const JsonValue* actual = Find(path);
    if (actual == nullptr) {
      return Error(Code::kInvalid,
                   "test operation does not apply: is missing path: {}: missing value", path.text);
    }
    if (!TestEqual(*actual, *value)) {
      return Error(Code::kInvalid, "testing value {} failed: test failed", path.text);
    }
    return Status::Ok();
  }

  const JsonValue& op_;
  JsonValue& doc_;
  JsonAlloc& alloc_;
  size_t* copied_bytes_;
  std::string_view name_;
};

}  // namespace

Status ApplyMergePatch(JsonValue& target, const JsonValue& patch, JsonAlloc& alloc) {
  MergeInto(target, patch, alloc);
  return Status::Ok();
}

Status ApplyJsonPatch(JsonValue& target, const JsonValue& patch, JsonAlloc& alloc) {
  if (!patch.IsArray()) {
    return Error(Code::kBadRequest,
                 "json: cannot unmarshal {} into Go value of type jsonpatch.Patch",
                 GoTypeName(patch));
  }
  if (patch.Size() > kMaxJsonPatchOperations) {
    return Error(Code::kRequestEntityTooLarge,
                 "The allowed maximum operations in a JSON patch is {}, got: {}",
                 kMaxJsonPatchOperations, patch.Size());
  }
  for (const JsonValue& op : patch.GetArray()) {
    if (!op.IsObject()) {
      return Error(Code::kBadRequest,
                   "json: cannot unmarshal {} into Go value of type jsonpatch.Operation",
                   GoTypeName(op));
    }
  }
  // Work on a copy in a scratch document so that a failing operation leaves `target` untouched
  // and leaves no garbage in its allocator.
  JsonDoc work;
  work.CopyFrom(target, work.GetAllocator());
  size_t copied_bytes = 0;
  for (const JsonValue& op : patch.GetArray()) {
    ORCHD_RETURN_IF_ERROR(Operation(op, work, work.GetAllocator(), &copied_bytes).Apply());
  }
  target.CopyFrom(work, alloc);
  return Status::Ok();
}

Result<JsonDoc> CreateMergePatch(const JsonValue& original, const JsonValue& modified) {
  JsonDoc patch;
  if (!original.IsObject() || !modified.IsObject()) {
    patch.CopyFrom(modified, patch.GetAllocator());
    // NOLINTNEXTLINE(clang-analyzer-cplusplus.NewDeleteLeaks): the Document owns its allocator
    return patch;
  }
  patch.SetObject();
  DiffInto(original, modified, patch, patch.GetAllocator());
  return patch;
}

}  // namespace orchd::api
