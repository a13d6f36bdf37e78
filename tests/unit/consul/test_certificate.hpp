#pragma once
// A throwaway self-signed EC P-256 certificate for in-process HTTPS tests (PEM strings).

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace gatehouse::testing {

struct TestCertificate {
  std::string cert_pem;
  std::string key_pem;
};

namespace detail {
struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
struct ExtFree {
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};

inline void check(int ok, const char* what) {
  if (ok != 1) throw std::runtime_error(std::string{"openssl: "} + what);
}

inline std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  return std::string{data, static_cast<std::size_t>(len)};
}
}  // namespace detail

// `san` is an X509v3 subjectAltName value, e.g. "DNS:consul.test,IP:127.0.0.1".
inline TestCertificate make_self_signed(const std::string& common_name, const std::string& san) {
  using namespace detail;
  std::unique_ptr<EVP_PKEY, PkeyFree> key{EVP_EC_gen("P-256")};
  if (!key) throw std::runtime_error("openssl: EVP_EC_gen");
  std::unique_ptr<X509, X509Free> cert{X509_new()};
  if (!cert) throw std::runtime_error("openssl: X509_new");
  check(X509_set_version(cert.get(), 2), "X509_set_version");
  check(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1), "serial");
  if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600) == nullptr) {
    throw std::runtime_error("openssl: validity");
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                                   -1, 0),
        "CN");
  check(X509_set_issuer_name(cert.get(), name), "issuer");
  check(X509_set_pubkey(cert.get(), key.get()), "pubkey");
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  for (const auto& [nid, value] :
       {std::pair{NID_subject_alt_name, san},
        std::pair{NID_basic_constraints, std::string{"critical,CA:TRUE"}}}) {
    std::unique_ptr<X509_EXTENSION, ExtFree> ext{
        X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str())};
    if (!ext) throw std::runtime_error("openssl: extension");
    check(X509_add_ext(cert.get(), ext.get(), -1), "X509_add_ext");
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0)
    throw std::runtime_error("openssl: sign");

  std::unique_ptr<BIO, BioFree> cert_bio{BIO_new(BIO_s_mem())};
  std::unique_ptr<BIO, BioFree> key_bio{BIO_new(BIO_s_mem())};
  if (!cert_bio || !key_bio) throw std::runtime_error("openssl: BIO_new");
  check(PEM_write_bio_X509(cert_bio.get(), cert.get()), "PEM_write_bio_X509");
  check(PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr),
        "PEM_write_bio_PrivateKey");
  return {bio_text(cert_bio.get()), bio_text(key_bio.get())};
}

}  // namespace gatehouse::testing
