// Publishing TLS contexts while connections hold earlier snapshots.
#include "tls/context_slot.hpp"

#include <gtest/gtest.h>

#include "tools/dev_agent/certificate_authority.hpp"

namespace gatehouse::tls {
namespace {

// The dev agent's CA mints the certificates these tests handshake with.
using tools::CaOptions;
using tools::CertificateAuthority;

using namespace std::chrono_literals;

std::shared_ptr<const TlsContext> context_with_serial(const CertificateAuthority& ca,
                                                      std::uint64_t serial) {
  const auto now = std::chrono::system_clock::now();
  auto leaf =
      ca.issue_leaf(SpiffeId::for_service(ca.trust_domain(), "dc1", "web"), 1h, now, serial);
  EXPECT_TRUE(leaf.has_value());
  auto ctx = TlsContext::build(Role::server, {leaf->cert_pem, leaf->private_key_pem},
                               {{ca.root_cert_pem()}, ca.trust_domain()});
  EXPECT_TRUE(ctx.has_value()) << (ctx ? "" : ctx.error());
  return *ctx;
}

TEST(ContextSlot, EmptyUntilFirstPublish) {
  const ContextSlot slot;
  EXPECT_EQ(slot.current(), nullptr);
}

TEST(ContextSlot, PublishReplacesCurrentAndSnapshotsStayValid) {
  auto ca =
      CertificateAuthority::create(CaOptions{.cluster_id = "aaaaaaaa-1111-2222-3333-444444444444"},
                                   std::chrono::system_clock::now());
  ASSERT_TRUE(ca.has_value()) << ca.error();
  ContextSlot slot{context_with_serial(*ca, 1)};
  const auto first = slot.current();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->leaf_serial(), "01");

  slot.publish(context_with_serial(*ca, 2));
  EXPECT_EQ(slot.current()->leaf_serial(), "02");
  // A connection that took the old snapshot keeps a working context.
  EXPECT_EQ(first->leaf_serial(), "01");
  EXPECT_NE(first->ssl_context().native_handle(), slot.current()->ssl_context().native_handle());
}

}  // namespace
}  // namespace gatehouse::tls
