#include "tools/dev_agent/ca_manager.hpp"

#include <spdlog/spdlog.h>

#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <nlohmann/json.hpp>
#include <random>

#include "consul/go_duration.hpp"
#include "tls/certificate.hpp"
#include "tls/spiffe_id.hpp"

namespace gatehouse::tools {

namespace net = boost::asio;

namespace {

using Result = boost::system::result<void, std::string>;

constexpr std::string_view kDefaultKeyType = "ec";
constexpr int kDefaultEcBits = 256;
constexpr int kDefaultRsaBits = 2048;

nlohmann::json default_provider_config() {
  return {{"LeafCertTTL", "72h"},
          {"IntermediateCertTTL", "8760h"},
          {"RootCertTTL", "87600h"},
          {"PrivateKeyType", kDefaultKeyType},
          {"PrivateKeyBits", kDefaultEcBits}};
}

// calculateSoftExpiry (agent/leafcert): a uniform instant in [60 %, 90 %] of the lifetime,
// measured from ValidAfter. Consul renews at once when the lifetime is under ten minutes; the dev
// agent keeps the window for its short test leaves so a blocking query does not mint a new leaf
// on every call. ValidAfter is back-dated by at most 1/60 of the lifetime
// (leaf_backdate), so the instant is always at least 58 % of the lifetime after issuing.
CaManager::Clock::time_point pick_renewal(CaManager::Clock::time_point valid_after,
                                          CaManager::Clock::time_point valid_before) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const auto lifetime = valid_before - valid_after;
  const double fraction = std::uniform_real_distribution<double>{0.6, 0.9}(rng);
  return valid_after + std::chrono::duration_cast<CaManager::Clock::duration>(lifetime * fraction);
}

std::string ttl_bound_error(std::string_view bound_text, std::chrono::nanoseconds bound) {
  return "leaf cert TTL must be " + std::string{bound_text} + " " +
         consul::format_go_duration(bound);
}

}  // namespace

CaManager::CaManager(StateStore& store, std::string datacenter)
    : store_{store}, datacenter_{std::move(datacenter)} {}

CaOptions CaManager::root_options(const std::string& key_type, int key_bits,
                                  const std::string& key_pem) {
  CaOptions options;
  options.cluster_id = cluster_id_;
  options.private_key_type = key_type;
  options.private_key_bits = key_bits;
  options.private_key_pem = key_pem;
  options.serial = next_root_serial_++;
  return options;
}

Result CaManager::initialize(Clock::time_point now) {
  cluster_id_ = boost::uuids::to_string(boost::uuids::random_generator{}());
  trust_domain_ = cluster_id_ + ".consul";
  auto ca = CertificateAuthority::create(
      root_options(std::string{kDefaultKeyType}, kDefaultEcBits, {}), now);
  if (!ca) return Result{boost::system::in_place_error, "creating the CA root: " + ca.error()};
  const auto index = store_.touch(Table::kCaRoots);
  roots_.push_back(Root{std::move(*ca), index, index});
  config_.provider = "consul";
  config_.config = consul::RawJson{default_provider_config()};
  config_.create_index = index;
  config_.modify_index = index;
  SPDLOG_INFO("event=ca_initialized trust_domain={} root_id={}", trust_domain_, active().ca.id());
  return {};
}

consul::CaRoots CaManager::roots() const {
  consul::CaRoots out;
  out.active_root_id = active().ca.id();
  out.trust_domain = trust_domain_;
  for (const auto& r : roots_) {
    consul::CaRoot root;
    root.id = r.ca.id();
    root.name = r.ca.name();
    root.serial_number = r.ca.serial();
    root.signing_key_id = r.ca.signing_key_id();
    root.external_trust_domain = cluster_id_;
    root.not_before = tls::format_rfc3339(r.ca.not_before());
    root.not_after = tls::format_rfc3339(r.ca.not_after());
    root.root_cert = r.ca.root_cert_pem();
    root.active = &r == &active();
    root.private_key_type = r.ca.private_key_type();
    root.private_key_bits = r.ca.private_key_bits();
    root.create_index = r.create_index;
    root.modify_index = r.modify_index;
    out.roots.push_back(std::move(root));
  }
  return out;
}

boost::system::result<CaManager::ConfigChange, HttpError> CaManager::plan_configuration(
    consul::CaConfiguration config) {
  using Planned = boost::system::result<ConfigChange, HttpError>;
  const auto fail = [](std::string text) {
    return Planned{boost::system::in_place_error, HttpError::internal(std::move(text))};
  };
  if (config.provider.empty()) config.provider = "consul";
  if (config.provider != "consul") {
    return fail("dev agent: only the built-in \"consul\" CA provider is supported");
  }
  auto settings = config.provider_settings();
  if (!settings) return fail(settings.error());
  auto ttl = leaf_ttl_;
  if (!settings->leaf_cert_ttl.empty()) {
    auto parsed = consul::parse_go_duration(settings->leaf_cert_ttl);
    if (!parsed) {
      return fail("error decoding config: time: invalid duration \"" + settings->leaf_cert_ttl +
                  "\"");
    }
    if (*parsed < kMinLeafTtl) return fail(ttl_bound_error("greater or equal than", kMinLeafTtl));
    if (*parsed > kMaxLeafTtl) return fail(ttl_bound_error("less than", kMaxLeafTtl));
    ttl = std::chrono::duration_cast<std::chrono::seconds>(*parsed);
  }
  if (!settings->root_cert.empty()) {
    return fail("dev agent: a provided RootCert is not supported; set PrivateKey only");
  }
  const auto& current = active().ca;
  const std::string key_type =
      settings->private_key_type.empty() ? current.private_key_type() : settings->private_key_type;
  int key_bits = settings->private_key_bits;
  if (key_bits == 0) {
    key_bits = key_type == current.private_key_type()
                   ? current.private_key_bits()
                   : (key_type == "rsa" ? kDefaultRsaBits : kDefaultEcBits);
  }
  const bool new_key =
      !settings->private_key.empty() && settings->private_key != current.private_key_pem();
  const bool rotate =
      new_key || key_type != current.private_key_type() || key_bits != current.private_key_bits();
  ConfigChange change{std::move(config), ttl, std::nullopt};
  if (rotate) {
    change.new_root = root_options(key_type, key_bits, new_key ? settings->private_key : "");
  }
  return change;
}

void CaManager::apply_configuration(ConfigChange change, std::optional<CertificateAuthority> root) {
  leaf_ttl_ = change.leaf_ttl;
  // Only a rotation changes the roots (and wakes their watchers); a TTL change is config only.
  const auto index = root ? store_.touch(Table::kCaRoots) : store_.next_index();
  change.config.create_index = config_.create_index;
  change.config.modify_index = index;
  config_ = std::move(change.config);
  if (root) {
    roots_.back().modify_index = index;  // no longer active
    roots_.push_back(Root{std::move(*root), index, index});
    SPDLOG_INFO("event=ca_rotated root_id={} serial={} roots={}", active().ca.id(),
                active().ca.serial(), roots_.size());
  }
}

net::awaitable<CaManager::RootResult> CaManager::generate_root(CaOptions options,
                                                               Clock::time_point now) {
  // Cleared however the coroutine ends (also when its frame is destroyed at shutdown).
  struct Reconfiguring {
    bool& flag;
    explicit Reconfiguring(bool& f) : flag{f} { flag = true; }
    ~Reconfiguring() { flag = false; }
    Reconfiguring(const Reconfiguring&) = delete;
    Reconfiguring& operator=(const Reconfiguring&) = delete;
  } reconfiguring{reconfiguring_};
  auto create = [options = std::move(options), now] {
    return CertificateAuthority::create(options, now);
  };
  co_return co_await worker_.run(std::move(create));
}

net::awaitable<std::optional<HttpError>> CaManager::set_configuration(
    consul::CaConfiguration config, Clock::time_point now) {
  if (reconfiguring_) co_return HttpError::internal(std::string{kCaReconfiguringError});
  auto change = plan_configuration(std::move(config));
  if (!change) co_return change.error();
  std::optional<CertificateAuthority> root;
  if (change->new_root) {
    const auto& options = *change->new_root;
    SPDLOG_INFO("event=ca_rotation_started serial={} key_type={} key_bits={} provided_key={}",
                options.serial, options.private_key_type, options.private_key_bits,
                !options.private_key_pem.empty());
    auto created = co_await generate_root(options, now);
    if (!created) {
      SPDLOG_WARN("event=ca_rotation_failed serial={} error=\"{}\"", options.serial,
                  created.error());
      co_return HttpError::internal("error generating CA root certificate: " + created.error());
    }
    root = std::move(*created);
  }
  apply_configuration(std::move(*change), std::move(root));
  co_return std::nullopt;
}

std::optional<CachedLeaf> CaManager::fresh_leaf(const std::string& service,
                                                Clock::time_point now) const {
  const auto it = leaves_.find(service);
  if (it == leaves_.end()) return std::nullopt;
  if (it->second.signing_key_id != active().ca.signing_key_id() || now >= it->second.renew_at) {
    return std::nullopt;
  }
  return it->second;
}

CachedLeaf CaManager::store_leaf(const std::string& service, const CertificateAuthority& signer,
                                 const IssuedLeaf& issued) {
  const auto index = store_.touch(Table::kLeafCerts);
  CachedLeaf entry;
  entry.cert.serial_number = issued.serial_hex;
  entry.cert.cert_pem = issued.cert_pem;  // a root CA: no intermediates to append
  entry.cert.private_key_pem = issued.private_key_pem;
  entry.cert.service = service;
  entry.cert.service_uri =
      tls::SpiffeId::for_service(trust_domain_, datacenter_, service).to_string();
  entry.cert.valid_after = tls::format_rfc3339(issued.valid_after);
  entry.cert.valid_before = tls::format_rfc3339(issued.valid_before);
  entry.cert.create_index = index;
  entry.cert.modify_index = index;
  entry.signing_key_id = signer.signing_key_id();
  entry.renew_at = pick_renewal(issued.valid_after, issued.valid_before);
  SPDLOG_INFO("event=leaf_issued service={} serial={} index={}", service, issued.serial_hex, index);
  leaves_.insert_or_assign(service, entry);
  return entry;
}

net::awaitable<CaManager::LeafResult> CaManager::leaf(std::string service, Clock::time_point now) {
  for (;;) {
    if (auto cached = fresh_leaf(service, now)) co_return *cached;
    const CertificateAuthority signer = active().ca;  // shares the immutable root and key
    const auto id = tls::SpiffeId::for_service(trust_domain_, datacenter_, service);
    auto sign = [signer, id, ttl = leaf_ttl_, now, serial = next_leaf_serial_++] {
      return signer.issue_leaf(id, ttl, now, serial);
    };
    auto issued = co_await worker_.run(std::move(sign));
    if (!issued) {
      co_return LeafResult{boost::system::in_place_error,
                           "issuing the leaf for " + service + ": " + issued.error()};
    }
    // The loop went on while the leaf was signed: another request for this service may have
    // stored one (serve that, so every caller sees the same leaf), or a rotation may have
    // made `signer` inactive (sign again with the new root).
    if (auto cached = fresh_leaf(service, now)) co_return *cached;
    if (signer.signing_key_id() != active().ca.signing_key_id()) continue;
    co_return store_leaf(service, signer, *issued);
  }
}

}  // namespace gatehouse::tools
