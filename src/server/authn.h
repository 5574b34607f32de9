// Authentication: who is making a request. Client certificates verified by the TLS layer
// (CN = user, each O = a group) and bearer tokens from a static token file (kube-apiserver's
// --token-auth-file format: `token,user,uid[,"group1,group2"]` per line). Anonymous requests
// get no user; the API server lets them reach only health and version endpoints.
//
// Thread-safe after construction (immutable).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "server/http_server.h"

namespace orchd::server {

struct UserInfo {
  std::string name;
  std::string uid;
  std::vector<std::string> groups;  // includes system:authenticated
};

class Authenticator {
 public:
  Authenticator() = default;
  // Reads a token file. kInvalid naming the line for a malformed one.
  static Result<Authenticator> FromTokenFile(const std::string& path);
  // Adds one token (e.g. the cluster's server token for nodes joining).
  void AddToken(std::string token, UserInfo user);

  // The user of `req`; nullopt when anonymous. kUnauthorized when a bearer token is presented
  // but unknown (upstream refuses instead of treating it as anonymous).
  Result<std::optional<UserInfo>> Authenticate(const HttpRequest& req) const;

 private:
  std::map<std::string, UserInfo, std::less<>> tokens_;
};

}  // namespace orchd::server
