#include "common/pki.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <ctime>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/base64.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/unique_handle.h"

namespace orchd {
namespace {

using PkeyPtr = UniquePtr<EVP_PKEY, EVP_PKEY_free>;
using PkeyCtxPtr = UniquePtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using X509Ptr = UniquePtr<X509, X509_free>;
using BioPtr = UniquePtr<BIO, BIO_free>;
using BignumPtr = UniquePtr<BIGNUM, BN_free>;
using ExtensionPtr = UniquePtr<X509_EXTENSION, X509_EXTENSION_free>;
using GeneralNamesPtr = UniquePtr<GENERAL_NAMES, GENERAL_NAMES_free>;
using GeneralNamePtr = UniquePtr<GENERAL_NAME, GENERAL_NAME_free>;
using Asn1StringPtr = UniquePtr<ASN1_STRING, ASN1_STRING_free>;

constexpr mode_t kDirMode = 0700;
constexpr mode_t kKeyMode = 0600;
constexpr mode_t kCertMode = 0644;
constexpr int kCaValidityDays = 3650;
constexpr int kLeafValidityDays = 365;
constexpr int kRenewBeforeDays = 90;
constexpr int kSerialBytes = 16;
constexpr size_t kMaxSecretBytes = 4096;

// Drains the OpenSSL error queue into one Status: "<what>: <err>; <err>".
Status SslError(Code code, std::string_view what) {
  std::string detail;
  for (auto err = ERR_get_error(); err != 0; err = ERR_get_error()) {
    std::array<char, 256> buf{};
    ERR_error_string_n(err, buf.data(), buf.size());
    if (!detail.empty()) detail += "; ";
    detail += buf.data();
  }
  if (detail.empty()) detail = "unknown OpenSSL error";
  return Error(code, "{}: {}", what, detail);
}
Status SslError(std::string_view what) { return SslError(Code::kInternalError, what); }

std::string Hex(const unsigned char* data, size_t size) {
  static constexpr std::string_view kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 0xf];
  }
  return out;
}

// A subjectAltName entry: GEN_DNS with the name, or GEN_IPADD with the raw address bytes.
struct San {
  int type = GEN_DNS;
  std::string value;
  friend bool operator==(const San&, const San&) = default;
};

struct KeyPair {
  X509Ptr cert;
  PkeyPtr key;
};

// What to put in a certificate. `file` names it in error messages.
struct CertSpec {
  std::string file;
  std::string common_name;
  std::string organization;  // empty: none
  const char* basic_constraints = "critical,CA:FALSE";
  const char* key_usage = "critical,digitalSignature";
  const char* ext_key_usage = nullptr;  // nullptr: none
  std::vector<San> sans;
  int validity_days = kLeafValidityDays;
};

Result<PkeyPtr> GenerateKey(std::string_view file) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) <= 0 ||
      EVP_PKEY_CTX_set_group_name(ctx.get(), "P-256") <= 0) {
    return SslError(fmt::format("generate key {}", file));
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_generate(ctx.get(), &raw) <= 0)
    return SslError(fmt::format("generate key {}", file));
  PkeyPtr key(raw);
  return key;
}

Result<std::string> BioContents(BIO* bio, std::string_view what) {
  std::string out(BIO_ctrl_pending(bio), '\0');
  if (!out.empty() &&
      BIO_read(bio, out.data(), static_cast<int>(out.size())) != static_cast<int>(out.size())) {
    return SslError(what);
  }
  return out;
}

Result<std::string> KeyToPem(EVP_PKEY* key, std::string_view file) {
  std::string what = fmt::format("encode key {}", file);
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return SslError(what);
  }
  return BioContents(bio.get(), what);
}

Result<std::string> CertToPem(X509* cert, std::string_view file) {
  std::string what = fmt::format("encode certificate {}", file);
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return SslError(what);
  return BioContents(bio.get(), what);
}

Result<X509Ptr> ParseCert(std::string_view pem, const std::string& path, Code code) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert) return SslError(code, fmt::format("parse certificate {}", path));
  return cert;
}

Result<PkeyPtr> ParseKey(std::string_view pem, const std::string& path, Code code) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  PkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key) return SslError(code, fmt::format("parse key {}", path));
  return key;
}

Status AddExtension(X509* cert, X509* issuer, int nid, const char* value, std::string_view what) {
  X509V3_CTX ctx{};
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) return SslError(what);
  return Status::Ok();
}

Status AddSans(X509* cert, const std::vector<San>& sans, std::string_view what) {
  GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
  if (!names) return SslError(what);
  for (const San& san : sans) {
    GeneralNamePtr name(GENERAL_NAME_new());
    Asn1StringPtr value(san.type == GEN_DNS ? ASN1_IA5STRING_new() : ASN1_OCTET_STRING_new());
    if (!name || !value ||
        ASN1_STRING_set(value.get(), san.value.data(), static_cast<int>(san.value.size())) != 1) {
      return SslError(what);
    }
    GENERAL_NAME_set0_value(name.get(), san.type, value.release());
    if (sk_GENERAL_NAME_push(names.get(), name.get()) <= 0) return SslError(what);
    [[maybe_unused]] GENERAL_NAME* owned_by_names = name.release();
  }
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    return SslError(what);
  }
  return Status::Ok();
}

Status SetRandomSerial(X509* cert, std::string_view what) {
  std::array<unsigned char, kSerialBytes> bytes{};
  if (RAND_bytes(bytes.data(), kSerialBytes) != 1) return SslError(what);
  bytes[0] &= 0x7f;  // serials are positive INTEGERs
  BignumPtr bn(BN_bin2bn(bytes.data(), kSerialBytes, nullptr));
  if (!bn || BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)) == nullptr) {
    return SslError(what);
  }
  return Status::Ok();
}

Status SetSubject(X509* cert, const CertSpec& spec, std::string_view what) {
  X509_NAME* name = X509_get_subject_name(cert);  // owned by `cert`
  auto add = [&](const char* field, const std::string& value) {
    return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                      reinterpret_cast<const unsigned char*>(value.data()),
                                      static_cast<int>(value.size()), -1, 0) == 1;
  };
  if (!spec.organization.empty() && !add("O", spec.organization)) return SslError(what);
  if (!add("CN", spec.common_name)) return SslError(what);
  return Status::Ok();
}

// Issues a certificate for `key`, signed by `issuer` (nullptr: self-signed with `key`).
Result<X509Ptr> IssueCert(const CertSpec& spec, EVP_PKEY* key, const KeyPair* issuer,
                          std::time_t now) {
  std::string what = fmt::format("issue certificate {}", spec.file);
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) return SslError(what);
  ORCHD_RETURN_IF_ERROR(SetRandomSerial(cert.get(), what));
  ORCHD_RETURN_IF_ERROR(SetSubject(cert.get(), spec, what));
  X509* issuer_cert = issuer ? issuer->cert.get() : cert.get();
  EVP_PKEY* signing_key = issuer ? issuer->key.get() : key;
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer_cert)) != 1 ||
      X509_set_pubkey(cert.get(), key) != 1 ||
      ASN1_TIME_set(X509_getm_notBefore(cert.get()), now) == nullptr ||
      ASN1_TIME_adj(X509_getm_notAfter(cert.get()), now, spec.validity_days, 0) == nullptr) {
    return SslError(what);
  }
  ORCHD_RETURN_IF_ERROR(
      AddExtension(cert.get(), issuer_cert, NID_basic_constraints, spec.basic_constraints, what));
  ORCHD_RETURN_IF_ERROR(AddExtension(cert.get(), issuer_cert, NID_key_usage, spec.key_usage, what));
  if (spec.ext_key_usage != nullptr) {
    ORCHD_RETURN_IF_ERROR(
        AddExtension(cert.get(), issuer_cert, NID_ext_key_usage, spec.ext_key_usage, what));
  }
  ORCHD_RETURN_IF_ERROR(
      AddExtension(cert.get(), issuer_cert, NID_subject_key_identifier, "hash", what));
  if (issuer != nullptr) {
    ORCHD_RETURN_IF_ERROR(
        AddExtension(cert.get(), issuer_cert, NID_authority_key_identifier, "keyid:always", what));
  }
  if (!spec.sans.empty()) ORCHD_RETURN_IF_ERROR(AddSans(cert.get(), spec.sans, what));
  if (X509_sign(cert.get(), signing_key, EVP_sha256()) <= 0) {
    return SslError(fmt::format("sign certificate {}", spec.file));
  }
  return cert;
}

// Generates a key, issues its certificate and writes both (key first, see pki.h).
Result<KeyPair> CreatePair(const CertSpec& spec, const KeyPair* issuer, std::time_t now,
                           const std::string& cert_path, const std::string& key_path) {
  ORCHD_ASSIGN_OR_RETURN(PkeyPtr key, GenerateKey(key_path));
  ORCHD_ASSIGN_OR_RETURN(X509Ptr cert, IssueCert(spec, key.get(), issuer, now));
  ORCHD_ASSIGN_OR_RETURN(std::string key_pem, KeyToPem(key.get(), key_path));
  ORCHD_ASSIGN_OR_RETURN(std::string cert_pem, CertToPem(cert.get(), cert_path));
  ORCHD_RETURN_IF_ERROR(WriteFileAtomic(key_path, key_pem, kKeyMode));
  ORCHD_RETURN_IF_ERROR(WriteFileAtomic(cert_path, cert_pem, kCertMode));
  return KeyPair{std::move(cert), std::move(key)};
}

// Loads the CA. Anything wrong with an existing CA is kInvalid: it is never replaced here.
Result<KeyPair> LoadCa(const PkiFiles& files) {
  constexpr std::string_view kHint = "refusing to replace the cluster CA; fix or remove it by hand";
  auto cert_pem = ReadFile(files.ca_cert);
  if (!cert_pem) {
    return Error(Code::kInvalid, "read CA certificate {}: {} ({})", files.ca_cert,
                 cert_pem.error().message(), kHint);
  }
  auto key_pem = ReadFile(files.ca_key);
  if (!key_pem) {
    return Error(Code::kInvalid, "read CA key {}: {} ({})", files.ca_key, key_pem.error().message(),
                 kHint);
  }
  ORCHD_ASSIGN_OR_RETURN(X509Ptr cert, ParseCert(*cert_pem, files.ca_cert, Code::kInvalid));
  ORCHD_ASSIGN_OR_RETURN(PkeyPtr key, ParseKey(*key_pem, files.ca_key, Code::kInvalid));
  if (X509_check_ca(cert.get()) == 0) {
    return Error(Code::kInvalid, "CA certificate {} is not a CA ({})", files.ca_cert, kHint);
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    return SslError(Code::kInvalid,
                    fmt::format("CA key {} does not match {}", files.ca_key, files.ca_cert));
  }
  return KeyPair{std::move(cert), std::move(key)};
}

std::set<std::pair<int, std::string>> CertSans(X509* cert) {
  std::set<std::pair<int, std::string>> out;
  GeneralNamesPtr names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    int type = 0;
    auto* value = static_cast<ASN1_STRING*>(
        GENERAL_NAME_get0_value(sk_GENERAL_NAME_value(names.get(), i), &type));
    if ((type != GEN_DNS && type != GEN_IPADD) || value == nullptr) continue;
    const auto* data = reinterpret_cast<const char*>(ASN1_STRING_get0_data(value));
    out.emplace(type, std::string(data, static_cast<size_t>(ASN1_STRING_length(value))));
  }
  return out;
}

// Why an existing leaf must be re-issued, or nullopt when it can be kept.
std::optional<std::string> LeafProblem(const KeyPair& ca, const CertSpec& spec,
                                       const std::string& cert_path, const std::string& key_path,
                                       std::time_t now) {
  auto cert_pem = ReadFile(cert_path);
  auto key_pem = ReadFile(key_path);
  if (!cert_pem || !key_pem) return "missing or unreadable";
  auto cert = ParseCert(*cert_pem, cert_path, Code::kInvalid);
  auto key = ParseKey(*key_pem, key_path, Code::kInvalid);
  if (!cert || !key) return "unparsable";
  std::optional<std::string> problem;
  std::time_t renew_at = now + std::time_t{kRenewBeforeDays} * 24 * 60 * 60;
  if (X509_check_private_key(cert->get(), key->get()) != 1) {
    problem = "certificate does not match key";
  } else if (X509_verify(cert->get(), X509_get0_pubkey(ca.cert.get())) != 1) {
    problem = "not signed by the cluster CA";
  } else if (X509_cmp_time(X509_get0_notAfter(cert->get()), &renew_at) != 1) {
    problem = fmt::format("expires within {} days", kRenewBeforeDays);
  } else {
    auto have = CertSans(cert->get());
    for (const San& san : spec.sans) {
      if (!have.contains({san.type, san.value})) {
        problem = "missing a requested subjectAltName";
        break;
      }
    }
  }
  ERR_clear_error();  // failed checks above leave entries behind
  return problem;
}

Status EnsureLeaf(const KeyPair& ca, const CertSpec& spec, const std::string& cert_path,
                  const std::string& key_path, std::time_t now) {
  std::optional<std::string> problem = LeafProblem(ca, spec, cert_path, key_path, now);
  if (!problem) return Status::Ok();
  LOG_INFO("issuing {}: {}", cert_path, *problem);
  return CreatePair(spec, &ca, now, cert_path, key_path).status();
}

Result<std::vector<San>> ServingSans(const PkiOptions& options) {
  std::vector<San> sans;
  auto add = [&](San san) {
    if (std::ranges::find(sans, san) == sans.end()) sans.push_back(std::move(san));
  };
  for (const char* name : {"localhost", "kubernetes", "kubernetes.default",
                           "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"}) {
    add({GEN_DNS, name});
  }
  for (const std::string& name : options.dns_names) {
    if (name.empty() || name.find_first_of(" \t\r\n,") != std::string::npos) {
      return Error(Code::kInvalid, "invalid DNS name for the serving certificate: {:?}", name);
    }
    add({GEN_DNS, name});
  }
  std::vector<std::string> ips = {"127.0.0.1"};
  ips.insert(ips.end(), options.ip_addresses.begin(), options.ip_addresses.end());
  for (const std::string& ip : ips) {
    Asn1StringPtr bytes(a2i_IPADDRESS(ip.c_str()));
    if (!bytes) {
      ERR_clear_error();
      return Error(Code::kInvalid, "invalid IP address for the serving certificate: {:?}", ip);
    }
    const auto* data = reinterpret_cast<const char*>(ASN1_STRING_get0_data(bytes.get()));
    add({GEN_IPADD, std::string(data, static_cast<size_t>(ASN1_STRING_length(bytes.get())))});
  }
  return sans;
}

}  // namespace

Result<PkiFiles> EnsurePki(const PkiOptions& options, const Clock& clock) {
  ORCHD_ASSIGN_OR_RETURN(std::vector<San> serving_sans, ServingSans(options));
  ORCHD_RETURN_IF_ERROR(MakeDirs(options.dir, kDirMode));
  const std::string& dir = options.dir;
  PkiFiles files{.ca_cert = dir + "/ca.crt",
                 .ca_key = dir + "/ca.key",
                 .server_cert = dir + "/serving.crt",
                 .server_key = dir + "/serving.key",
                 .admin_cert = dir + "/admin.crt",
                 .admin_key = dir + "/admin.key"};
  std::time_t now = std::chrono::system_clock::to_time_t(clock.Now());

  KeyPair ca;
  if (PathExists(files.ca_cert)) {
    ORCHD_ASSIGN_OR_RETURN(ca, LoadCa(files));
  } else {
    // No ca.crt means nothing was handed out yet (an orphan ca.key from a crash is replaced).
    CertSpec spec{.file = "ca.crt",
                  .common_name = fmt::format("orchd-server-ca@{}", now),
                  .basic_constraints = "critical,CA:TRUE",
                  .key_usage = "critical,keyCertSign,cRLSign,digitalSignature",
                  .validity_days = kCaValidityDays};
    LOG_INFO("creating cluster CA {}", files.ca_cert);
    ORCHD_ASSIGN_OR_RETURN(ca, CreatePair(spec, nullptr, now, files.ca_cert, files.ca_key));
  }

  CertSpec serving{.file = "serving.crt",
                   .common_name = "orchd",
                   .ext_key_usage = "serverAuth",
                   .sans = std::move(serving_sans)};
  ORCHD_RETURN_IF_ERROR(EnsureLeaf(ca, serving, files.server_cert, files.server_key, now));
  CertSpec admin{.file = "admin.crt",
                 .common_name = "system:admin",
                 .organization = "system:masters",
                 .ext_key_usage = "clientAuth"};
  ORCHD_RETURN_IF_ERROR(EnsureLeaf(ca, admin, files.admin_cert, files.admin_key, now));
  return files;
}

Result<std::string> JoinToken(const std::string& ca_cert_path, std::string_view secret) {
  ORCHD_ASSIGN_OR_RETURN(std::string ca, ReadFile(ca_cert_path));
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(ca.data(), ca.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1) {
    return SslError(fmt::format("hash {}", ca_cert_path));
  }
  return fmt::format("K10{}::server:{}", Hex(digest.data(), size), secret);
}

Result<std::string> RandomSecret(size_t bytes) {
  if (bytes == 0 || bytes > kMaxSecretBytes) {
    return Error(Code::kInvalid, "random secret of {} bytes: want 1..{}", bytes, kMaxSecretBytes);
  }
  std::vector<unsigned char> buf(bytes);
  if (RAND_bytes(buf.data(), static_cast<int>(bytes)) != 1) {
    return SslError("generate random secret");
  }
  return Hex(buf.data(), buf.size());
}

Result<std::string> AdminKubeconfig(std::string_view server_url, const PkiFiles& files) {
  if (server_url.empty() || server_url.find_first_of(" \t\r\n\"'#") != std::string_view::npos) {
    return Error(Code::kInvalid, "invalid server URL for the kubeconfig: {:?}", server_url);
  }
  ORCHD_ASSIGN_OR_RETURN(std::string ca, ReadFile(files.ca_cert));
  ORCHD_ASSIGN_OR_RETURN(std::string cert, ReadFile(files.admin_cert));
  ORCHD_ASSIGN_OR_RETURN(std::string key, ReadFile(files.admin_key));
  return fmt::format(R"(apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: {}
    server: {}
  name: default
contexts:
- context:
    cluster: default
    user: default
  name: default
current-context: default
preferences: {{}}
users:
- name: default
  user:
    client-certificate-data: {}
    client-key-data: {}
)",
                     Base64Encode(ca), server_url, Base64Encode(cert), Base64Encode(key));
}

}  // namespace orchd
