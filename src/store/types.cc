#include "store/types.h"

namespace orchd::store {

std::string_view EventTypeName(EventType type) {
  switch (type) {
    case EventType::kCreate:
      return "CREATE";
    case EventType::kUpdate:
      return "UPDATE";
    case EventType::kDelete:
      return "DELETE";
  }
  return "?";
}

Status ValidateKey(std::string_view key) {
  if (key.empty()) return Error(Code::kBadRequest, "empty key");
  if (key.size() > 1024) return Error(Code::kBadRequest, "key longer than 1024 bytes");
  for (char c : key) {
    if (c < 0x21 || c > 0x7e) {
      return Error(Code::kBadRequest, "key {:?} has a byte outside printable ASCII", key);
    }
  }
  return Status::Ok();
}

KeyRange PrefixRange(std::string_view prefix) {
  // Keys are printable ASCII, so "\x7f" sorts after every key.
  if (prefix.empty()) return {"", "\x7f"};
  std::string end(prefix);
  end.back() = static_cast<char>(end.back() + 1);
  return {std::string(prefix), std::move(end)};
}

}  // namespace orchd::store
