#include "tls/private_key.hpp"

#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <limits>

#include "tls/openssl_error.hpp"

namespace gatehouse::tls {
namespace {

const char* ec_group_for_bits(int bits) {
  switch (bits) {
    case 224:
      return "P-224";
    case 256:
      return "P-256";
    case 384:
      return "P-384";
    case 521:
      return "P-521";
    default:
      return nullptr;
  }
}

}  // namespace

boost::system::result<void, std::string> validate_key_type_and_bits(std::string_view type,
                                                                    int bits) {
  if (type == "ec") {
    if (ec_group_for_bits(bits) == nullptr) {
      return std::string{"EC key length must be one of (224, 256, 384, 521) bits"};
    }
    return {};
  }
  if (type == "rsa") {
    if (bits != 2048 && bits != 4096)
      return std::string{"RSA key length must be 2048 or 4096 bits"};
    return {};
  }
  return std::string{"private key type must be either 'ec' or 'rsa'"};
}

boost::system::result<EvpPkeyPtr, std::string> generate_private_key(std::string_view type,
                                                                    int bits) {
  if (auto valid = validate_key_type_and_bits(type, bits); !valid) return valid.error();
  const bool ec = type == "ec";
  EvpPkeyCtxPtr ctx{EVP_PKEY_CTX_new_from_name(nullptr, ec ? "EC" : "RSA", nullptr)};
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) <= 0)
    return openssl_error("key generation setup failed");
  const int set = ec ? EVP_PKEY_CTX_set_group_name(ctx.get(), ec_group_for_bits(bits))
                     : EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits);
  if (set <= 0) return openssl_error("key generation parameters rejected");
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_generate(ctx.get(), &raw) <= 0) return openssl_error("key generation failed");
  return EvpPkeyPtr{raw};
}

boost::system::result<EvpPkeyPtr, std::string> parse_private_key(std::string_view pem) {
  if (pem.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    return std::string{"private key PEM too large"};
  }
  BioPtr bio{BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))};
  if (!bio) return openssl_error("cannot read private key PEM");
  EvpPkeyPtr key{PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)};
  if (!key) return openssl_error("invalid private key PEM");
  return key;
}

boost::system::result<std::string, std::string> private_key_to_pem(EVP_PKEY* key) {
  BioPtr bio{BIO_new(BIO_s_mem())};
  if (!bio || PEM_write_bio_PrivateKey_traditional(bio.get(), key, nullptr, nullptr, 0, nullptr,
                                                   nullptr) != 1) {
    return {boost::system::in_place_error, openssl_error("cannot encode private key")};
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return {boost::system::in_place_value, data, static_cast<std::size_t>(len)};
}

std::string key_type_name(const EVP_PKEY* key) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_EC:
      return "ec";
    case EVP_PKEY_RSA:
      return "rsa";
    default:
      return {};
  }
}

int key_bits(const EVP_PKEY* key) { return EVP_PKEY_get_bits(key); }

std::vector<std::uint8_t> public_key_id(const EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(key, &der);
  if (len <= 0) return {};
  std::vector<std::uint8_t> digest(EVP_MAX_MD_SIZE);
  unsigned int digest_len = 0;
  const int ok = EVP_Digest(der, static_cast<std::size_t>(len), digest.data(), &digest_len,
                            EVP_sha256(), nullptr);
  OPENSSL_free(der);
  if (ok != 1) return {};
  digest.resize(digest_len);
  return digest;
}

}  // namespace gatehouse::tls
