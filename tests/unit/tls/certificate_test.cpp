// Reading certificates: the fixtures captured from a real Consul agent, and PEM bundle handling.
#include "tls/certificate.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace gatehouse::tls {
namespace {

nlohmann::json load_fixture(const std::string& name) {
  std::ifstream in{std::string{GATEHOUSE_FIXTURES_DIR} + "/consul/" + name};
  EXPECT_TRUE(in.good()) << name;
  std::stringstream buf;
  buf << in.rdbuf();
  return nlohmann::json::parse(buf.str());
}

TEST(Certificate, FixtureLeafFields) {
  const auto leaf = load_fixture("agent-connect-ca-leaf-web.json");
  const auto chain = parse_pem_chain(leaf.at("CertPEM").get<std::string>());
  ASSERT_TRUE(chain.has_value()) << chain.error();
  ASSERT_EQ(chain->size(), 1u);
  const X509* cert = chain->front().get();
  EXPECT_EQ(uri_sans(cert),
            std::vector<std::string>{
                "spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc1/svc/web"});
  EXPECT_TRUE(dns_sans(cert).empty());
  EXPECT_EQ(serial_colon_hex(cert), "08");
  EXPECT_EQ(serial_colon_hex(cert), leaf.at("SerialNumber").get<std::string>());
  EXPECT_EQ(format_rfc3339(not_before(cert)), "2018-05-21T16:33:28Z");
  EXPECT_EQ(format_rfc3339(not_before(cert)), leaf.at("ValidAfter").get<std::string>());
  EXPECT_EQ(format_rfc3339(not_after(cert)), leaf.at("ValidBefore").get<std::string>());
}

TEST(Certificate, FixtureRootFields) {
  const auto roots = load_fixture("agent-connect-ca-roots.json");
  const auto& root = roots.at("Roots").at(0);
  const auto chain = parse_pem_chain(root.at("RootCert").get<std::string>());
  ASSERT_TRUE(chain.has_value()) << chain.error();
  ASSERT_EQ(chain->size(), 1u);
  const X509* cert = chain->front().get();
  EXPECT_EQ(sha1_fingerprint_colon_hex(cert),
            "15:bf:3a:7d:ff:ea:c1:8c:46:67:6c:db:b8:81:18:36:ad:e5:d0:c7");
  EXPECT_EQ(sha1_fingerprint_colon_hex(cert), root.at("ID").get<std::string>());
  // This old agent wrote its key id as text into the extension; SigningKeyID is hex of those bytes.
  EXPECT_EQ(subject_key_id_colon_hex(cert), root.at("SigningKeyID").get<std::string>());
  EXPECT_EQ(serial_colon_hex(cert), "07");
  EXPECT_EQ(uri_sans(cert),
            std::vector<std::string>{"spiffe://124df5a0-9820-76c3-9aa9-6f62164ba1c2.consul"});
  EXPECT_EQ(format_rfc3339(not_before(cert)), root.at("NotBefore").get<std::string>());
  EXPECT_EQ(format_rfc3339(not_after(cert)), "2028-05-18T16:33:28Z");
  EXPECT_EQ(to_pem(cert), root.at("RootCert").get<std::string>());
}

TEST(Certificate, BundleKeepsOrder) {
  const auto leaf = load_fixture("agent-connect-ca-leaf-web.json").at("CertPEM").get<std::string>();
  const auto root = load_fixture("agent-connect-ca-roots.json")
                        .at("Roots")
                        .at(0)
                        .at("RootCert")
                        .get<std::string>();
  const auto chain = parse_pem_chain(leaf + root);
  ASSERT_TRUE(chain.has_value()) << chain.error();
  ASSERT_EQ(chain->size(), 2u);
  EXPECT_EQ(serial_colon_hex(chain->at(0).get()), "08");
  EXPECT_EQ(serial_colon_hex(chain->at(1).get()), "07");
}

TEST(Certificate, EmptyOrGarbageBundleFails) {
  const auto empty = parse_pem_chain("");
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error(), "no certificate found in PEM bundle");
  const auto text = parse_pem_chain("hello world\n");
  ASSERT_FALSE(text.has_value());
  EXPECT_EQ(text.error(), "no certificate found in PEM bundle");
  const auto broken =
      parse_pem_chain("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
  ASSERT_FALSE(broken.has_value());
  EXPECT_EQ(broken.error().rfind("invalid certificate in PEM bundle", 0), 0u) << broken.error();
}

TEST(Certificate, FormatRfc3339) {
  using namespace std::chrono;
  const sys_days day = year{2024} / March / 5;
  EXPECT_EQ(format_rfc3339(day + 9h + 59min), "2024-03-05T09:59:00Z");
  EXPECT_EQ(format_rfc3339(day + 23h + 59min + 59s + 999ms), "2024-03-05T23:59:59Z");
  EXPECT_EQ(format_rfc3339(system_clock::time_point{}), "1970-01-01T00:00:00Z");
}

// X.509 reaches the year 9999, system_clock only 2262: later (and much earlier) times clamp to
// the clock's range instead of overflowing (found by fuzz_certificate: a notAfter in 2612).
TEST(Certificate, TimesBeyondTheClockAreClamped) {
  const X509Ptr cert{X509_new()};
  ASSERT_TRUE(cert);
  ASSERT_EQ(ASN1_TIME_set_string_X509(X509_getm_notAfter(cert.get()), "26120101000000Z"), 1);
  ASSERT_EQ(ASN1_TIME_set_string_X509(X509_getm_notBefore(cert.get()), "00010101000000Z"), 1);
  EXPECT_EQ(not_after(cert.get()), std::chrono::system_clock::time_point::max());
  EXPECT_EQ(not_before(cert.get()), std::chrono::system_clock::time_point::min());
  EXPECT_EQ(format_rfc3339(not_after(cert.get())), "2262-04-11T23:47:16Z");
}

}  // namespace
}  // namespace gatehouse::tls
