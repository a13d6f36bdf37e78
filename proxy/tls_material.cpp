#include "proxy/tls_material.hpp"

#include <openssl/x509_vfy.h>

#include "proxy/logger.hpp"
#include "tls/certificate.hpp"
#include "tls/openssl_ptr.hpp"

namespace gatehouse::proxy {
namespace {

void log_watch_error(std::string_view watch, const consul::ApiError& error,
                     consul::milliseconds retry_in) {
  log_fields(spdlog::level::warn, LogFields{}
                                      .add("event", "watch_failed")
                                      .add("watch", watch)
                                      .add_quoted("error", error.message())
                                      .add("retry_ms", std::int64_t{retry_in.count()}));
}

// Each root's ID and the notAfter of its certificate (the first in its PEM); a root that does not
// parse was already refused by build_contexts, so it is only skipped here.
std::vector<RootExpiry> root_expiries(const consul::CaRoots& roots) {
  std::vector<RootExpiry> out;
  for (const auto& root : roots.roots) {
    auto certs = tls::parse_pem_chain(root.root_cert);
    if (!certs || certs->empty()) continue;
    out.push_back({root.id, tls::not_after(certs->front().get())});
  }
  return out;
}

}  // namespace

// A leaf that does not chain to the roots it is published with would make every handshake fail
// (a leaf from a new CA seen before the new roots, or the reverse).
LeafTrustCheck check_leaf_trust(const consul::LeafCert& leaf, const consul::CaRoots& roots) {
  const auto unreadable = [](std::string reason) {
    return LeafTrustCheck{LeafTrust::unreadable, std::move(reason)};
  };
  auto chain = tls::parse_pem_chain(leaf.cert_pem);
  if (!chain) return unreadable("leaf certificate: " + chain.error());
  tls::X509StorePtr store{X509_STORE_new()};
  tls::StackOfX509 untrusted{sk_X509_new_null()};
  tls::X509StoreCtxPtr ctx{X509_STORE_CTX_new()};
  if (!store || !untrusted || !ctx) return unreadable("out of memory checking the leaf chain");
  for (const auto& root : roots.roots) {
    auto certs = tls::parse_pem_chain(root.root_cert);
    if (!certs) return unreadable("CA root " + root.id + ": " + certs.error());
    for (const auto& cert : *certs) {
      if (X509_STORE_add_cert(store.get(), cert.get()) != 1) {
        return unreadable("cannot add a CA root to the check store");
      }
    }
  }
  for (std::size_t i = 1; i < chain->size(); ++i) {
    tls::X509Ptr copy{X509_dup((*chain)[i].get())};
    if (!copy || sk_X509_push(untrusted.get(), copy.get()) <= 0) {
      return unreadable("cannot add an intermediate to the check");
    }
    (void)copy.release();  // the stack owns it now
  }
  if (X509_STORE_CTX_init(ctx.get(), store.get(), chain->front().get(), untrusted.get()) != 1) {
    return unreadable("cannot start the leaf chain check");
  }
  if (X509_verify_cert(ctx.get()) != 1) {
    return LeafTrustCheck{LeafTrust::unverified,
                          std::string{"leaf certificate does not chain to the CA roots: "} +
                              X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()))};
  }
  return {};
}

boost::system::result<TlsContexts, std::string> build_contexts(const consul::LeafCert& leaf,
                                                               const consul::CaRoots& roots,
                                                               const std::string& service) {
  tls::LeafMaterial material{leaf.cert_pem, leaf.private_key_pem};
  tls::TrustMaterial trust;
  trust.trust_domain = roots.trust_domain;
  for (const auto& root : roots.roots) trust.root_pems.push_back(root.root_cert);

  auto server = tls::TlsContext::build(tls::Role::server, material, trust);
  if (!server) return "server context: " + server.error();
  const auto* id = (*server)->leaf_id().service();
  if (id == nullptr || id->service != service) {
    return "leaf certificate " + (*server)->leaf_id().to_string() + " is not for service " +
           service;
  }
  if (auto chained = check_leaf_trust(leaf, roots); chained.trust != LeafTrust::verified) {
    return chained.reason;
  }
  auto client = tls::TlsContext::build(tls::Role::client, material, trust);
  if (!client) return "client context: " + client.error();
  return TlsContexts{std::move(*server), std::move(*client)};
}

TlsMaterial::TlsMaterial(const boost::asio::any_io_executor& executor, consul::AgentConfig config,
                         std::string service, tls::ContextSlot& server_slot,
                         tls::ContextSlot& client_slot, std::function<void()> on_ready,
                         TlsMaterialOptions options)
    : agent_(executor, std::move(config)),
      service_(std::move(service)),
      server_slot_(server_slot),
      client_slot_(client_slot),
      on_ready_(std::move(on_ready)),
      options_(options),
      hold_timer_(executor),
      roots_watch_(
          executor, consul::BlockingMode::index,
          [this](const consul::BlockingParams& p) { return agent_.ca_roots(consul::to_query(p)); },
          [this](const consul::Blocking<consul::CaRoots>& r) { on_roots(r.value); },
          [](const consul::ApiError& e, consul::milliseconds retry) {
            log_watch_error("roots", e, retry);
          },
          options.watch),
      leaf_watch_(
          executor, consul::BlockingMode::index,
          [this](const consul::BlockingParams& p) {
            return agent_.leaf_cert(service_, consul::to_query(p));
          },
          [this](const consul::Blocking<consul::LeafCert>& l) { on_leaf(l.value); },
          [](const consul::ApiError& e, consul::milliseconds retry) {
            log_watch_error("leaf", e, retry);
          },
          options.watch) {}

TlsMaterial::~TlsMaterial() {
  ++*hold_generation_;  // a timer already fired but not yet handled must not touch `this`
  hold_timer_.cancel();
}

void TlsMaterial::report_to(const std::shared_ptr<WatchHealth>& health,
                            std::function<void(std::vector<RootExpiry>)> published_roots) {
  report_health(roots_watch_, health, "roots");
  report_health(leaf_watch_, health, "leaf");
  on_roots_published_ = std::move(published_roots);
}

void TlsMaterial::start() {
  roots_watch_.start();
  leaf_watch_.start();
}

void TlsMaterial::stop() {
  roots_watch_.stop();
  leaf_watch_.stop();
  release_hold();
}

void TlsMaterial::on_roots(const consul::CaRoots& roots) {
  roots_ = roots;
  rebuild(Held::roots);
}

void TlsMaterial::on_leaf(const consul::LeafCert& leaf) {
  leaf_ = leaf;
  rebuild(Held::leaf);
}

// `newest`: the half that just arrived, which is the one held if the pair does not verify.
void TlsMaterial::rebuild(Held newest) {
  if (!roots_ || !leaf_) return;  // not ready until both arrived
  if (auto trust = check_leaf_trust(*leaf_, *roots_); trust.trust == LeafTrust::unverified) {
    return hold(newest, trust.reason);
  }
  release_hold();
  auto built = build_contexts(*leaf_, *roots_, service_);
  if (!built) {
    log_fields(spdlog::level::err, LogFields{}
                                       .add("event", "rotation_failed")
                                       .add("serial", leaf_->serial_number)
                                       .add_quoted("reason", built.error()));
    return;
  }
  const auto& server = *built->server;
  server_slot_.publish(std::move(built->server));
  client_slot_.publish(std::move(built->client));
  if (on_roots_published_) on_roots_published_(root_expiries(*roots_));
  log_fields(spdlog::level::info, LogFields{}
                                      .add("event", "tls_updated")
                                      .add("serial", server.leaf_serial())
                                      .add("roots", std::uint64_t{roots_->roots.size()})
                                      .add("active_root", roots_->active_root_id)
                                      .add("trust_domain", server.trust_domain())
                                      .add("leaf", server.leaf_id().to_string()));
  if (!ready_) {
    ready_ = true;
    if (on_ready_) on_ready_();
  }
}

void TlsMaterial::hold(Held what, const std::string& why) {
  LogFields fields;
  if (what == Held::leaf) {
    fields.add("event", "leaf_held")
        .add("serial", leaf_->serial_number)
        .add_quoted("reason", "waiting for CA roots that sign it");
  } else {
    fields.add("event", "roots_held")
        .add("active_root", roots_->active_root_id)
        .add("trust_domain", roots_->trust_domain)
        .add_quoted("reason", "waiting for a leaf certificate they sign");
  }
  fields.add("current_serial", leaf_serial_in_use())
      .add("wait_ms", std::int64_t{options_.pair_timeout.count()});
  log_fields(spdlog::level::info, fields);
  held_reason_ = why;
  if (held_ != Held::nothing) {  // the deadline runs from the first unmatched half
    held_ = what;
    return;
  }
  held_ = what;
  timeout_logged_ = false;
  const auto generation = ++*hold_generation_;
  hold_timer_.expires_after(options_.pair_timeout);
  hold_timer_.async_wait(
      [this, generation, current = hold_generation_](const boost::system::error_code& ec) {
        // Cancelled, released since, or destroyed: `this` may be gone.
        if (ec || *current != generation) return;
        on_pair_timeout();
      });
}

void TlsMaterial::release_hold() {
  if (held_ == Held::nothing) return;
  held_ = Held::nothing;
  ++*hold_generation_;
  hold_timer_.cancel();
}

void TlsMaterial::on_pair_timeout() {
  if (held_ == Held::nothing || timeout_logged_) return;
  timeout_logged_ = true;
  const bool leaf_waits = held_ == Held::leaf;
  log_fields(
      spdlog::level::err,
      LogFields{}
          .add("event", "rotation_failed")
          .add("serial", leaf_->serial_number)
          .add_quoted("reason", held_reason_ + "; no matching " +
                                    (leaf_waits ? "CA roots" : "leaf certificate") + " within " +
                                    std::to_string(options_.pair_timeout.count()) + " ms")
          .add("current_serial", leaf_serial_in_use()));
}

std::string TlsMaterial::leaf_serial_in_use() const {
  const auto current = server_slot_.current();
  return current ? current->leaf_serial() : std::string{};
}

}  // namespace gatehouse::proxy
