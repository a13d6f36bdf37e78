#include "proxy/tls_material.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>

#include "tests/unit/proxy/captured_log.hpp"
#include "tools/dev_agent/certificate_authority.hpp"

namespace gatehouse::proxy {
namespace {

using namespace std::chrono_literals;

struct Ca {
  tools::CertificateAuthority ca;
  static Ca make(std::string cluster) {
    tools::CaOptions o;
    o.cluster_id = std::move(cluster);
    auto ca = tools::CertificateAuthority::create(o, std::chrono::system_clock::now());
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

// TlsMaterial pairs leaf and roots that arrive separately: the half that is ahead is held, the
// current contexts keep serving, and only a pair still unmatched after the bound is an error.
namespace gatehouse::proxy {
namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;

struct Harness {
  explicit Harness(std::chrono::milliseconds pair_timeout = 30s)
      : material(
            ioc.get_executor(), consul::AgentConfig{}, "db", server, client,
            [this] { ++ready_calls; }, options(pair_timeout)) {
    spdlog::default_logger()->set_pattern("level=%l %v");
  }
  static TlsMaterialOptions options(std::chrono::milliseconds pair_timeout) {
    TlsMaterialOptions o;
    o.pair_timeout = pair_timeout;
    return o;
  }
  // The serial of the leaf new handshakes get ("" before the first context).
  std::string serving() const {
    const auto s = server.current();
    const auto c = client.current();
    if (!s || !c) return {};
    EXPECT_EQ(s->leaf_serial(), c->leaf_serial());
    return s->leaf_serial();
  }

  testing::CapturedLog log;  // first: the material logs into it until the end
  net::io_context ioc;
  tls::ContextSlot server;
  tls::ContextSlot client;
  int ready_calls = 0;
  TlsMaterial material;
};

consul::CaRoots both(const Ca& active, const Ca& rotated_out) {
  auto roots = active.roots();
  auto old_root = rotated_out.roots().roots.front();
  old_root.active = false;
  roots.roots.insert(roots.roots.begin(), old_root);
  return roots;
}

TEST(TlsMaterial, ALeafAheadOfItsRootsIsHeldThenSwappedWhenTheyArrive) {
  const auto old_ca = Ca::make(kCluster);
  const auto new_ca = Ca::make(kOtherCluster);
  Harness h;
  h.material.on_roots(old_ca.roots());
  h.material.on_leaf(old_ca.leaf("db", 0x11));
  ASSERT_EQ(h.serving(), "11") << h.log.text();
  EXPECT_EQ(h.ready_calls, 1);

  h.material.on_leaf(new_ca.leaf("db", 0x22));  // the CA rotated; its roots come next
  EXPECT_EQ(h.serving(), "11");
  EXPECT_NE(h.log.text().find("level=info event=leaf_held serial=22 reason=\"waiting for CA roots "
                              "that sign it\" current_serial=11"),
            std::string::npos)
      << h.log.text();

  h.material.on_roots(both(new_ca, old_ca));  // Consul keeps the rotated-out root in the list
  EXPECT_EQ(h.serving(), "22");
  EXPECT_NE(h.log.text().find("level=info event=tls_updated serial=22 roots=2"), std::string::npos)
      << h.log.text();
  h.ioc.run_for(100ms);
  EXPECT_EQ(h.log.text().find("level=error"), std::string::npos) << h.log.text();
  EXPECT_EQ(h.ready_calls, 1);
}

TEST(TlsMaterial, RootsWithoutTheCurrentLeafsIssuerAreHeldUntilTheNewLeaf) {
  const auto old_ca = Ca::make(kCluster);
  const auto new_ca = Ca::make(kOtherCluster);
  Harness h;
  h.material.on_roots(old_ca.roots());
  h.material.on_leaf(old_ca.leaf("db", 0x11));
  ASSERT_EQ(h.serving(), "11") << h.log.text();

  // An agent restarted with a new CA: its roots no longer hold the root of our leaf.
  h.material.on_roots(new_ca.roots());
  EXPECT_EQ(h.serving(), "11");
  EXPECT_NE(h.log.text().find("level=info event=roots_held active_root=" + new_ca.ca.id() +
                              " trust_domain=" + new_ca.ca.trust_domain() +
                              " reason=\"waiting for a leaf certificate they sign\""),
            std::string::npos)
      << h.log.text();

  h.material.on_leaf(new_ca.leaf("db", 0x22));
  EXPECT_EQ(h.serving(), "22");
  EXPECT_NE(h.log.text().find("event=tls_updated serial=22 roots=1 active_root=" + new_ca.ca.id()),
            std::string::npos)
      << h.log.text();
  h.ioc.run_for(100ms);
  EXPECT_EQ(h.log.text().find("level=error"), std::string::npos) << h.log.text();
}

// For gatehouse_root_expiry_timestamp_seconds: every published pair reports all its roots.
TEST(TlsMaterial, PublishedPairsReportTheirRootsAndExpiry) {
  const auto old_ca = Ca::make(kCluster);
  const auto new_ca = Ca::make(kOtherCluster);
  Harness h;
  std::vector<std::vector<RootExpiry>> published;
  h.material.report_to(std::make_shared<WatchHealth>(), [&](std::vector<RootExpiry> roots) {
    published.push_back(std::move(roots));
  });
  h.material.on_roots(both(new_ca, old_ca));
  EXPECT_TRUE(published.empty());  // no leaf yet: nothing published
  h.material.on_leaf(new_ca.leaf("db", 0x22));
  ASSERT_EQ(published.size(), 1U) << h.log.text();
  ASSERT_EQ(published[0].size(), 2U);
  const auto seconds = [](std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  };
  EXPECT_EQ(published[0][0].id, old_ca.ca.id());
  EXPECT_EQ(seconds(published[0][0].not_after), seconds(old_ca.ca.not_after()));
  EXPECT_EQ(published[0][1].id, new_ca.ca.id());
  EXPECT_EQ(seconds(published[0][1].not_after), seconds(new_ca.ca.not_after()));
  EXPECT_GT(published[0][1].not_after, std::chrono::system_clock::now());
}

TEST(TlsMaterial, RootsThatStillHoldTheOldRootAreUsedAtOnce) {
  const auto old_ca = Ca::make(kCluster);
  const auto new_ca = Ca::make(kOtherCluster);
  Harness h;
  h.material.on_roots(old_ca.roots());
  h.material.on_leaf(old_ca.leaf("db", 0x11));
  h.material.on_roots(both(new_ca, old_ca));  // roots first, old root kept: nothing to hold
  EXPECT_EQ(h.serving(), "11");
  EXPECT_NE(h.log.text().find("event=tls_updated serial=11 roots=2"), std::string::npos)
      << h.log.text();
  EXPECT_EQ(h.log.text().find("_held"), std::string::npos) << h.log.text();
  h.material.on_leaf(new_ca.leaf("db", 0x22));
  EXPECT_EQ(h.serving(), "22");
}

TEST(TlsMaterial, ALeafWhoseRootsNeverComeIsAnErrorAfterTheBoundAndTheOldContextStays) {
  const auto old_ca = Ca::make(kCluster);
  const auto new_ca = Ca::make(kOtherCluster);
  Harness h{150ms};
  h.material.on_roots(old_ca.roots());
  h.material.on_leaf(old_ca.leaf("db", 0x11));
  h.material.on_leaf(new_ca.leaf("db", 0x22));
  EXPECT_EQ(h.log.text().find("level=error"), std::string::npos) << h.log.text();
  h.ioc.run_for(5s);  // returns once the hold timer has fired: nothing else is pending
  EXPECT_NE(h.log.text().find("level=error event=rotation_failed serial=22 reason=\"leaf "
                              "certificate does not chain to the CA roots: unable to get local "
                              "issuer certificate; no matching CA roots within 150 ms\" "
                              "current_serial=11"),
            std::string::npos)
      << h.log.text();
  EXPECT_EQ(h.serving(), "11");

  // Late roots still complete the pair.
  h.material.on_roots(both(new_ca, old_ca));
  EXPECT_EQ(h.serving(), "22");
}

TEST(TlsMaterial, RootsWhoseLeafNeverComesAreAnErrorAfterTheBound) {
  const auto old_ca = Ca::make(kCluster);
  const auto new_ca = Ca::make(kOtherCluster);
  Harness h{150ms};
  h.material.on_roots(old_ca.roots());
  h.material.on_leaf(old_ca.leaf("db", 0x11));
  h.material.on_roots(new_ca.roots());
  h.ioc.run_for(5s);
  EXPECT_NE(h.log.text().find("level=error event=rotation_failed serial=11 reason=\"leaf "
                              "certificate does not chain to the CA roots: unable to get local "
                              "issuer certificate; no matching leaf certificate within 150 ms\""),
            std::string::npos)
      << h.log.text();
  EXPECT_EQ(h.serving(), "11");
}

TEST(TlsMaterial, AMatchWithinTheBoundCancelsTheError) {
  const auto old_ca = Ca::make(kCluster);
  const auto new_ca = Ca::make(kOtherCluster);
  Harness h{150ms};
  h.material.on_roots(old_ca.roots());
  h.material.on_leaf(old_ca.leaf("db", 0x11));
  h.material.on_leaf(new_ca.leaf("db", 0x22));
  h.material.on_roots(new_ca.roots());
  EXPECT_EQ(h.serving(), "22");
  // A second rotation starts a new hold with its own full bound.
  const auto third_ca = Ca::make("33333333-2222-3333-4444-555555555555");
  h.material.on_leaf(third_ca.leaf("db", 0x33));
  h.material.on_roots(both(third_ca, new_ca));
  EXPECT_EQ(h.serving(), "33");
  h.ioc.run_for(500ms);
  EXPECT_EQ(h.log.text().find("level=error"), std::string::npos) << h.log.text();
}

TEST(TlsMaterial, NotReadyUntilTheFirstPairMatches) {
  const auto old_ca = Ca::make(kCluster);
  const auto new_ca = Ca::make(kOtherCluster);
  Harness h;
  h.material.on_leaf(new_ca.leaf("db", 0x22));  // nothing to pair with yet: no line at all
  EXPECT_EQ(h.log.text(), "");
  h.material.on_roots(old_ca.roots());  // a rotation between the two first answers
  EXPECT_EQ(h.ready_calls, 0);
  EXPECT_FALSE(h.material.ready());
  EXPECT_NE(h.log.text().find("event=roots_held"), std::string::npos) << h.log.text();
  EXPECT_NE(h.log.text().find("current_serial=\"\""), std::string::npos) << h.log.text();
  h.material.on_roots(both(new_ca, old_ca));
  EXPECT_EQ(h.ready_calls, 1);
  EXPECT_EQ(h.serving(), "22");
}

TEST(TlsMaterial, OtherBuildFailuresAreErrorsAtOnce) {
  const auto ca = Ca::make(kCluster);
  Harness h;
  h.material.on_roots(ca.roots());
  h.material.on_leaf(ca.leaf("db", 0x11));
  h.material.on_leaf(ca.leaf("web", 0x12));  // signed by the roots, but not our service
  EXPECT_NE(h.log.text().find("level=error event=rotation_failed serial=12 reason=\"leaf "
                              "certificate spiffe://"),
            std::string::npos)
      << h.log.text();
  EXPECT_EQ(h.serving(), "11");
}

}  // namespace
}  // namespace gatehouse::proxy
