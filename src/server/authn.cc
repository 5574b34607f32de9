#include "server/authn.h"

#include "common/fs.h"

namespace orchd::server {

namespace {

std::vector<std::string> SplitCsvLine(std::string_view line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  out.push_back(std::move(cur));
  return out;
}

void AddAuthenticated(UserInfo& u) {
  for (const auto& g : u.groups) {
    if (g == "system:authenticated") return;
  }
  u.groups.emplace_back("system:authenticated");
}

}  // namespace

Result<Authenticator> Authenticator::FromTokenFile(const std::string& path) {
  ORCHD_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  Authenticator a;
  size_t lineno = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    auto fields = SplitCsvLine(line);
    if (fields.size() < 3 || fields[0].empty() || fields[1].empty()) {
      return Error(Code::kInvalid, "token file {} line {}: want token,user,uid[,\"group1,group2\"]",
                   path, lineno);
    }
    UserInfo u{fields[1], fields[2], {}};
    if (fields.size() >= 4) {
      for (auto g : SplitCsvLine(fields[3])) {
        if (!g.empty()) u.groups.push_back(std::move(g));
      }
    }
    a.AddToken(fields[0], std::move(u));
  }
  return a;
}

void Authenticator::AddToken(std::string token, UserInfo user) {
  AddAuthenticated(user);
  tokens_[std::move(token)] = std::move(user);
}

Result<std::optional<UserInfo>> Authenticator::Authenticate(const HttpRequest& req) const {
  std::string_view auth = req.Header("authorization");
  if (!auth.empty()) {
    constexpr std::string_view kBearer = "Bearer ";
    if (auth.size() > kBearer.size() && auth.substr(0, kBearer.size()) == kBearer) {
      std::string_view token = auth.substr(kBearer.size());
      while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
      auto it = tokens_.find(token);
      if (it != tokens_.end()) return std::optional<UserInfo>(it->second);
      return Error(Code::kUnauthorized, "Unauthorized");
    }
  }
  if (req.client_cert && !req.client_cert->common_name.empty()) {
    UserInfo u{req.client_cert->common_name, "", req.client_cert->organizations};
    AddAuthenticated(u);
    return std::optional<UserInfo>(std::move(u));
  }
  if (!auth.empty()) return Error(Code::kUnauthorized, "Unauthorized");
  return std::optional<UserInfo>();
}

}  // namespace orchd::server
