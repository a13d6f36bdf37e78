// Per-connection TLS work of a sidecar: one full mTLS handshake (both sides, in memory, so the
// figure is pure CPU: ECDHE + two ECDSA signatures and their verification) and reading the
// caller's identity from the verified session.
#include <benchmark/benchmark.h>
#include <openssl/bio.h>
#include <openssl/ssl.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "tls/peer_identity.hpp"
#include "tls/tls_context.hpp"
#include "tools/dev_agent/certificate_authority.hpp"

namespace gatehouse::tls {
namespace {

// The dev agent's CA mints the certificates these tests handshake with.
using tools::CaOptions;
using tools::CertificateAuthority;

using namespace std::chrono_literals;

template <class T>
T or_die(boost::system::result<T, std::string> r) {
  if (!r) {
    std::cerr << "bench setup: " << r.error() << "\n";
    std::abort();
  }
  return std::move(*r);
}

struct Contexts {
  std::shared_ptr<const TlsContext> server;
  std::shared_ptr<const TlsContext> client;
};

Contexts make_contexts() {
  const auto now = std::chrono::system_clock::now();
  auto ca = or_die(CertificateAuthority::create(
      CaOptions{.cluster_id = "aaaaaaaa-1111-2222-3333-444444444444"}, now));
  const TrustMaterial trust{{ca.root_cert_pem()}, ca.trust_domain()};
  const auto leaf = [&](const char* service, std::uint64_t serial) {
    auto issued = or_die(
        ca.issue_leaf(SpiffeId::for_service(ca.trust_domain(), "dc1", service), 72h, now, serial));
    return LeafMaterial{issued.cert_pem, issued.private_key_pem};
  };
  return {or_die(TlsContext::build(Role::server, leaf("db", 2), trust)),
          or_die(TlsContext::build(Role::client, leaf("web", 3), trust))};
}

struct SslFree {
  void operator()(SSL* s) const { SSL_free(s); }
};
using SslPtr = std::unique_ptr<SSL, SslFree>;

struct Session {
  SslPtr server;
  SslPtr client;
};

// Both ends joined by a BIO pair, handshaking in turns until both are done.
Session handshake(const Contexts& contexts) {
  Session s{SslPtr{SSL_new(contexts.server->ssl_context().native_handle())},
            SslPtr{SSL_new(contexts.client->ssl_context().native_handle())}};
  BIO* server_bio = nullptr;
  BIO* client_bio = nullptr;
  if (BIO_new_bio_pair(&server_bio, 0, &client_bio, 0) != 1) std::abort();
  SSL_set_bio(s.server.get(), server_bio, server_bio);
  SSL_set_bio(s.client.get(), client_bio, client_bio);
  SSL_set_accept_state(s.server.get());
  SSL_set_connect_state(s.client.get());
  bool server_done = false;
  bool client_done = false;
  for (int turn = 0; turn < 20 && !(server_done && client_done); ++turn) {
    client_done = client_done || SSL_do_handshake(s.client.get()) == 1;
    server_done = server_done || SSL_do_handshake(s.server.get()) == 1;
  }
  if (!server_done || !client_done) {
    std::cerr << "bench setup: in-memory handshake did not finish\n";
    std::abort();
  }
  return s;
}

void BM_MtlsHandshakeBothSides(benchmark::State& state) {
  const auto contexts = make_contexts();
  for (auto _ : state) {
    auto session = handshake(contexts);
    benchmark::DoNotOptimize(session);
  }
}
BENCHMARK(BM_MtlsHandshakeBothSides)->Unit(benchmark::kMicrosecond);

void BM_PeerIdentity(benchmark::State& state) {
  const auto contexts = make_contexts();
  const auto session = handshake(contexts);
  for (auto _ : state) {
    auto identity = peer_identity(session.server.get());
    benchmark::DoNotOptimize(identity);
  }
}
BENCHMARK(BM_PeerIdentity);

}  // namespace
}  // namespace gatehouse::tls
