#include "proxy/tls_material.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "tls/certificate_authority.hpp"

namespace gatehouse::proxy {
namespace {

using namespace std::chrono_literals;

struct Ca {
  tls::CertificateAuthority ca;
  static Ca make(std::string cluster) {
    tls::CaOptions o;
    o.cluster_id = std::move(cluster);
    auto ca = tls::CertificateAuthority::create(o, std::chrono::system_clock::now());
    EXPECT_TRUE(ca) << ca.error();
    return Ca{std::move(*ca)};
  }
  consul::CaRoots roots() const {
    consul::CaRoots r;
    r.trust_domain = ca.trust_domain();
    r.active_root_id = ca.id();
    consul::CaRoot root;
    root.id = ca.id();
    root.root_cert = ca.root_cert_pem();
    root.active = true;
    r.roots.push_back(root);
    return r;
  }
  consul::LeafCert leaf(const std::string& service, std::uint64_t serial) const {
    auto issued = ca.issue_leaf(tls::SpiffeId::for_service(ca.trust_domain(), "dc1", service), 72h,
                                std::chrono::system_clock::now(), serial);
    EXPECT_TRUE(issued) << issued.error();
    consul::LeafCert l;
    l.cert_pem = issued->cert_pem;
    l.private_key_pem = issued->private_key_pem;
    l.serial_number = issued->serial_hex;
    l.service = service;
    return l;
  }
};

constexpr const char* kCluster = "11111111-2222-3333-4444-555555555555";
constexpr const char* kOtherCluster = "99999999-2222-3333-4444-555555555555";

TEST(BuildContexts, LeafAndRootsGiveServerAndClientContexts) {
  const auto ca = Ca::make(kCluster);
  auto built = build_contexts(ca.leaf("db", 0x2a), ca.roots(), "db");
  ASSERT_TRUE(built) << built.error();
  EXPECT_EQ(built->server->role(), tls::Role::server);
  EXPECT_EQ(built->client->role(), tls::Role::client);
  EXPECT_EQ(built->server->leaf_serial(), "2a");
  EXPECT_EQ(built->server->trust_domain(), std::string{kCluster} + ".consul");
}

TEST(BuildContexts, TrustsEveryRootNotOnlyTheActiveOne) {
  const auto old_ca = Ca::make(kCluster);
  const auto new_ca = Ca::make(kOtherCluster);
  auto roots = new_ca.roots();
  roots.roots.push_back(old_ca.roots().roots.front());
  EXPECT_TRUE(build_contexts(new_ca.leaf("db", 3), roots, "db"));
}

TEST(BuildContexts, RefusesALeafForAnotherService) {
  const auto ca = Ca::make(kCluster);
  auto built = build_contexts(ca.leaf("web", 1), ca.roots(), "db");
  ASSERT_FALSE(built);
  EXPECT_EQ(built.error(), "leaf certificate spiffe://" + std::string{kCluster} +
                               ".consul/ns/default/dc/dc1/svc/web is not for service db");
}

TEST(BuildContexts, RefusesMaterialWithoutRoots) {
  const auto ca = Ca::make(kCluster);
  auto roots = ca.roots();
  roots.roots.clear();
  auto built = build_contexts(ca.leaf("db", 1), roots, "db");
  ASSERT_FALSE(built);
  EXPECT_EQ(built.error(), "server context: no CA roots to trust");
}

TEST(BuildContexts, RefusesAKeyThatDoesNotMatch) {
  const auto ca = Ca::make(kCluster);
  auto leaf = ca.leaf("db", 1);
  leaf.private_key_pem = ca.leaf("db", 2).private_key_pem;
  auto built = build_contexts(leaf, ca.roots(), "db");
  ASSERT_FALSE(built);
  EXPECT_EQ(built.error(), "server context: private key does not match the certificate");
}

}  // namespace
}  // namespace gatehouse::proxy

namespace gatehouse::proxy {
namespace {

TEST(BuildContexts, RefusesALeafFromAnotherCaThanTheRoots) {
  const auto old_ca = Ca::make(kCluster);
  const auto new_ca = Ca::make(kOtherCluster);
  auto built = build_contexts(new_ca.leaf("db", 1), old_ca.roots(), "db");
  ASSERT_FALSE(built);
  EXPECT_EQ(built.error(),
            "leaf certificate does not chain to the CA roots: unable to get local issuer "
            "certificate");
}

}  // namespace
}  // namespace gatehouse::proxy
