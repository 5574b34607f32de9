#include "common/pki.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <array>
#include <catch2/catch.hpp>
#include <chrono>
#include <ctime>
#include <set>
#include <string>

#include "common/base64.h"
#include "common/fs.h"
#include "common/unique_handle.h"
#include "testing/temp_dir.h"

namespace orchd {
namespace {

using X509Ptr = UniquePtr<X509, X509_free>;
using BioPtr = UniquePtr<BIO, BIO_free>;
using StorePtr = UniquePtr<X509_STORE, X509_STORE_free>;
using StoreCtxPtr = UniquePtr<X509_STORE_CTX, X509_STORE_CTX_free>;
using GeneralNamesPtr = UniquePtr<GENERAL_NAMES, GENERAL_NAMES_free>;
using Asn1StringPtr = UniquePtr<ASN1_STRING, ASN1_STRING_free>;

constexpr auto kDay = std::chrono::hours(24);

std::string MustRead(const std::string& path) {
  auto data = ReadFile(path);
  REQUIRE(data.has_value());
  return *data;
}

X509Ptr LoadCert(const std::string& path) {
  std::string pem = MustRead(path);
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  REQUIRE(bio);
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  REQUIRE(cert);
  return cert;
}

// `openssl verify -CAfile ca.crt leaf.crt`, at the fake clock's time.
bool Verifies(const std::string& ca_path, const std::string& leaf_path, const Clock& clock) {
  X509Ptr ca = LoadCert(ca_path);
  X509Ptr leaf = LoadCert(leaf_path);
  StorePtr store(X509_STORE_new());
  REQUIRE(store);
  REQUIRE(X509_STORE_add_cert(store.get(), ca.get()) == 1);
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  REQUIRE(ctx);
  REQUIRE(X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), nullptr) == 1);
  X509_STORE_CTX_set_time(ctx.get(), 0, std::chrono::system_clock::to_time_t(clock.Now()));
  bool ok = X509_verify_cert(ctx.get()) == 1;
  if (!ok) {
    UNSCOPED_INFO(X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get())));
  }
  return ok;
}

// "DNS:name" and "IP:<text>" entries of a certificate's subjectAltName.
std::set<std::string> Sans(const std::string& path) {
  X509Ptr cert = LoadCert(path);
  GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert.get(), NID_subject_alt_name, nullptr, nullptr)));
  REQUIRE(names);
  std::set<std::string> out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    int type = 0;
    auto* value = static_cast<ASN1_STRING*>(
        GENERAL_NAME_get0_value(sk_GENERAL_NAME_value(names.get(), i), &type));
    if (type == GEN_DNS) {
      out.insert("DNS:" + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                                      ASN1_STRING_length(value)));
    } else if (type == GEN_IPADD) {
      const unsigned char* ip = ASN1_STRING_get0_data(value);
      if (ASN1_STRING_length(value) == 4) {
        out.insert(fmt::format("IP:{}.{}.{}.{}", ip[0], ip[1], ip[2], ip[3]));
      } else {
        out.insert(fmt::format("IP6:{}", ASN1_STRING_length(value)));
      }
    }
  }
  return out;
}

std::string NameField(const std::string& path, int nid) {
  X509Ptr cert = LoadCert(path);
  std::array<char, 256> buf{};
  int n = X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), nid, buf.data(),
                                    static_cast<int>(buf.size()));
  return n < 0 ? std::string() : std::string(buf.data(), n);
}

mode_t Mode(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

struct Snapshot {
  std::string ca_cert, ca_key, server_cert, server_key, admin_cert, admin_key;
  explicit Snapshot(const PkiFiles& f)
      : ca_cert(MustRead(f.ca_cert)),
        ca_key(MustRead(f.ca_key)),
        server_cert(MustRead(f.server_cert)),
        server_key(MustRead(f.server_key)),
        admin_cert(MustRead(f.admin_cert)),
        admin_key(MustRead(f.admin_key)) {}
};

TEST_CASE("EnsurePki creates a CA, a serving and an admin certificate", "[pki]") {
  testing::TempDir tmp;
  FakeClock clock;
  PkiOptions options{.dir = tmp.File("tls"),
                     .dns_names = {"node1.example", "localhost"},
                     .ip_addresses = {"10.0.0.5", "127.0.0.1"}};
  auto files = EnsurePki(options, clock);
  REQUIRE(files.has_value());

  CHECK(files->ca_cert == tmp.File("tls/ca.crt"));
  CHECK(files->server_key == tmp.File("tls/serving.key"));
  CHECK(Mode(options.dir) == 0700);
  for (const std::string* key : {&files->ca_key, &files->server_key, &files->admin_key}) {
    CAPTURE(*key);
    CHECK(Mode(*key) == 0600);
  }
  for (const std::string* cert : {&files->ca_cert, &files->server_cert, &files->admin_cert}) {
    CAPTURE(*cert);
    CHECK(Mode(*cert) == 0644);
  }

  CHECK(Verifies(files->ca_cert, files->server_cert, clock));
  CHECK(Verifies(files->ca_cert, files->admin_cert, clock));

  std::string ca_cn = NameField(files->ca_cert, NID_commonName);
  CHECK(ca_cn ==
        "orchd-server-ca@" + std::to_string(std::chrono::system_clock::to_time_t(clock.Now())));
  CHECK(NameField(files->server_cert, NID_commonName) == "orchd");
  CHECK(NameField(files->admin_cert, NID_commonName) == "system:admin");
  CHECK(NameField(files->admin_cert, NID_organizationName) == "system:masters");

  std::set<std::string> want = {"DNS:node1.example",
                                "DNS:localhost",
                                "DNS:kubernetes",
                                "DNS:kubernetes.default",
                                "DNS:kubernetes.default.svc",
                                "DNS:kubernetes.default.svc.cluster.local",
                                "IP:127.0.0.1",
                                "IP:10.0.0.5"};
  CHECK(Sans(files->server_cert) == want);

  // Validity comes from the clock: 10 years for the CA, 1 year for leaves.
  X509Ptr ca = LoadCert(files->ca_cert);
  X509Ptr serving = LoadCert(files->server_cert);
  std::time_t now = std::chrono::system_clock::to_time_t(clock.Now());
  UniquePtr<ASN1_TIME, ASN1_TIME_free> now_asn1(ASN1_TIME_set(nullptr, now));
  REQUIRE(now_asn1);
  CHECK(ASN1_TIME_compare(X509_get0_notBefore(serving.get()), now_asn1.get()) == 0);
  CHECK(ASN1_TIME_compare(X509_get0_notBefore(ca.get()), now_asn1.get()) == 0);
  int days = 0;
  int secs = 0;
  REQUIRE(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(serving.get()),
                         X509_get0_notAfter(serving.get())) == 1);
  CHECK(days == 365);
  REQUIRE(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(ca.get()),
                         X509_get0_notAfter(ca.get())) == 1);
  CHECK(days == 3650);
  CHECK(X509_check_ca(ca.get()) != 0);
  CHECK(X509_check_ca(serving.get()) == 0);
  CHECK((X509_get_extended_key_usage(serving.get()) & XKU_SSL_SERVER) != 0);
  X509Ptr admin = LoadCert(files->admin_cert);
  CHECK((X509_get_extended_key_usage(admin.get()) & XKU_SSL_CLIENT) != 0);
  CHECK(ASN1_INTEGER_cmp(X509_get0_serialNumber(serving.get()),
                         X509_get0_serialNumber(admin.get())) != 0);
}

TEST_CASE("EnsurePki reuses existing files byte for byte", "[pki]") {
  testing::TempDir tmp;
  FakeClock clock;
  PkiOptions options{.dir = tmp.File("tls"), .dns_names = {"a.example"}};
  auto first = EnsurePki(options, clock);
  REQUIRE(first.has_value());
  Snapshot before(*first);
  clock.Advance(30 * kDay);
  auto second = EnsurePki(options, clock);
  REQUIRE(second.has_value());
  Snapshot after(*second);
  CHECK(after.ca_cert == before.ca_cert);
  CHECK(after.ca_key == before.ca_key);
  CHECK(after.server_cert == before.server_cert);
  CHECK(after.server_key == before.server_key);
  CHECK(after.admin_cert == before.admin_cert);
  CHECK(after.admin_key == before.admin_key);
}

TEST_CASE("EnsurePki re-issues leaves near expiry from the same CA", "[pki]") {
  testing::TempDir tmp;
  FakeClock clock;
  PkiOptions options{.dir = tmp.File("tls")};
  auto first = EnsurePki(options, clock);
  REQUIRE(first.has_value());
  Snapshot before(*first);

  clock.Advance(300 * kDay);  // 65 days left: inside the 90-day window
  auto second = EnsurePki(options, clock);
  REQUIRE(second.has_value());
  Snapshot after(*second);
  CHECK(after.ca_cert == before.ca_cert);
  CHECK(after.ca_key == before.ca_key);
  CHECK(after.server_cert != before.server_cert);
  CHECK(after.server_key != before.server_key);
  CHECK(after.admin_cert != before.admin_cert);
  CHECK(after.admin_key != before.admin_key);
  CHECK(Verifies(second->ca_cert, second->server_cert, clock));
  CHECK(Verifies(second->ca_cert, second->admin_cert, clock));

  // The new leaves are good for a year from the new time, so the next start keeps them.
  clock.Advance(200 * kDay);
  auto third = EnsurePki(options, clock);
  REQUIRE(third.has_value());
  CHECK(MustRead(third->server_cert) == after.server_cert);
}

TEST_CASE("EnsurePki re-issues the serving certificate for a new SAN", "[pki]") {
  testing::TempDir tmp;
  FakeClock clock;
  PkiOptions options{.dir = tmp.File("tls"), .dns_names = {"a.example"}};
  auto first = EnsurePki(options, clock);
  REQUIRE(first.has_value());
  Snapshot before(*first);

  options.ip_addresses.push_back("192.168.1.9");
  auto second = EnsurePki(options, clock);
  REQUIRE(second.has_value());
  Snapshot after(*second);
  CHECK(after.server_cert != before.server_cert);
  CHECK(after.admin_cert == before.admin_cert);
  CHECK(after.ca_cert == before.ca_cert);
  CHECK(Sans(second->server_cert).contains("IP:192.168.1.9"));
  CHECK(Sans(second->server_cert).contains("DNS:a.example"));
  CHECK(Verifies(second->ca_cert, second->server_cert, clock));
}

TEST_CASE("EnsurePki repairs a broken leaf but never replaces a broken CA", "[pki]") {
  testing::TempDir tmp;
  FakeClock clock;
  PkiOptions options{.dir = tmp.File("tls")};
  auto first = EnsurePki(options, clock);
  REQUIRE(first.has_value());

  SECTION("a corrupt admin.crt is re-issued") {
    REQUIRE(WriteFileAtomic(first->admin_cert, "garbage", 0644).ok());
    auto second = EnsurePki(options, clock);
    REQUIRE(second.has_value());
    CHECK(Verifies(second->ca_cert, second->admin_cert, clock));
  }
  SECTION("a corrupt ca.crt is kInvalid and left alone") {
    REQUIRE(WriteFileAtomic(first->ca_cert, "not a certificate\n", 0644).ok());
    std::string key_before = MustRead(first->ca_key);
    std::string serving_before = MustRead(first->server_cert);
    auto second = EnsurePki(options, clock);
    REQUIRE_FALSE(second.has_value());
    CHECK(second.error().code() == Code::kInvalid);
    CHECK_THAT(second.error().message(), Catch::Contains(first->ca_cert));
    CHECK(MustRead(first->ca_cert) == "not a certificate\n");
    CHECK(MustRead(first->ca_key) == key_before);
    CHECK(MustRead(first->server_cert) == serving_before);
  }
  SECTION("a missing ca.key is kInvalid") {
    REQUIRE(::unlink(first->ca_key.c_str()) == 0);
    auto second = EnsurePki(options, clock);
    REQUIRE_FALSE(second.has_value());
    CHECK(second.error().code() == Code::kInvalid);
    CHECK_THAT(second.error().message(), Catch::Contains(first->ca_key));
  }
}

TEST_CASE("EnsurePki rejects a malformed IP address", "[pki]") {
  testing::TempDir tmp;
  FakeClock clock;
  auto files = EnsurePki({.dir = tmp.File("tls"), .ip_addresses = {"10.0.0.300"}}, clock);
  REQUIRE_FALSE(files.has_value());
  CHECK(files.error().code() == Code::kInvalid);
  CHECK_THAT(files.error().message(), Catch::Contains("10.0.0.300"));
}

TEST_CASE("JoinToken is K10<sha256 of ca.crt>::server:<secret>", "[pki]") {
  testing::TempDir tmp;
  FakeClock clock;
  auto files = EnsurePki({.dir = tmp.File("tls")}, clock);
  REQUIRE(files.has_value());
  auto token = JoinToken(files->ca_cert, "s3cret");
  REQUIRE(token.has_value());

  std::string ca = MustRead(files->ca_cert);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  REQUIRE(EVP_Digest(ca.data(), ca.size(), digest.data(), &size, EVP_sha256(), nullptr) == 1);
  REQUIRE(size == 32);
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) hex += fmt::format("{:02x}", digest[i]);
  CHECK(*token == "K10" + hex + "::server:s3cret");

  CHECK(JoinToken(tmp.File("nope.crt"), "x").error().code() == Code::kNotFound);
}

TEST_CASE("RandomSecret returns hex of the requested length", "[pki]") {
  auto a = RandomSecret(16);
  auto b = RandomSecret(16);
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  CHECK(a->size() == 32);
  CHECK(a->find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(*a != *b);
  CHECK(RandomSecret(0).error().code() == Code::kInvalid);
}

TEST_CASE("AdminKubeconfig embeds the CA, the admin pair and the server URL", "[pki]") {
  testing::TempDir tmp;
  FakeClock clock;
  auto files = EnsurePki({.dir = tmp.File("tls")}, clock);
  REQUIRE(files.has_value());
  auto config = AdminKubeconfig("https://127.0.0.1:6443", *files);
  REQUIRE(config.has_value());
  CHECK_THAT(*config, Catch::StartsWith("apiVersion: v1\nkind: Config\n"));
  CHECK_THAT(*config, Catch::Contains("certificate-authority-data: " +
                                      Base64Encode(MustRead(files->ca_cert)) + "\n"));
  CHECK_THAT(*config, Catch::Contains("    server: https://127.0.0.1:6443\n"));
  CHECK_THAT(*config, Catch::Contains("client-certificate-data: " +
                                      Base64Encode(MustRead(files->admin_cert)) + "\n"));
  CHECK_THAT(*config, Catch::Contains(
                          "client-key-data: " + Base64Encode(MustRead(files->admin_key)) + "\n"));
  CHECK_THAT(*config, Catch::Contains("current-context: default\n"));
  CHECK(AdminKubeconfig("https://x\nevil: 1", *files).error().code() == Code::kInvalid);
}

}  // namespace
}  // namespace orchd
