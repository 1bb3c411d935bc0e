#include <voip/sip/transaction_error.hpp>
#include <voip/sip/transport_address.hpp>

#include <gtest/gtest.h>

#include <unordered_set>

namespace voip::sip {
namespace {

TEST(TransportAddress, RoundTripsIPv4AndIPv6) {
    auto a = TransportAddress::parse("udp:127.0.0.1:5060");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->kind, TransportKind::udp);
    EXPECT_EQ(a->address, asio::ip::make_address("127.0.0.1"));
    EXPECT_EQ(a->port, 5060);
    EXPECT_EQ(a->to_string(), "udp:127.0.0.1:5060");

    auto b = TransportAddress::parse("TLS:[::1]:5061");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->kind, TransportKind::tls);
    EXPECT_TRUE(b->address.is_v6());
    EXPECT_EQ(b->to_string(), "tls:[::1]:5061");
    EXPECT_EQ(TransportAddress::parse(b->to_string()).value(), *b);
}

TEST(TransportAddress, RejectsMalformedText) {
    for (const char* bad :
         {"", "udp", "udp:", "udp:127.0.0.1", "udp:127.0.0.1:", "sctp:1.2.3.4:5",
          "udp:127.0.0.1:65536", "udp:127.0.0.1:50x", "udp:::1:5060", "udp:[::1]5060",
          "udp:[127.0.0.1]:5060", "udp:host.example:5060", "udp:[::1:5060", "tcp:1.2.3.4:-1"}) {
        auto r = TransportAddress::parse(bad);
        EXPECT_FALSE(r) << bad;
        EXPECT_EQ(r.error(), TransactionError::bad_address) << bad;
    }
}

TEST(TransportAddress, EqualityAndHash) {
    auto a = TransportAddress::parse("tcp:10.0.0.1:5060").value();
    auto b = TransportAddress::parse("tcp:10.0.0.1:5060").value();
    auto c = TransportAddress::parse("udp:10.0.0.1:5060").value();
    auto d = TransportAddress::parse("tcp:10.0.0.1:5061").value();
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
    EXPECT_NE(a, d);
    EXPECT_EQ(std::hash<TransportAddress>{}(a), std::hash<TransportAddress>{}(b));
    std::unordered_set<TransportAddress> set{a, b, c, d};
    EXPECT_EQ(set.size(), 3U);
}

TEST(TransportAddress, KindNamesAndReliability) {
    EXPECT_EQ(via_token(TransportKind::tcp), "TCP");
    EXPECT_EQ(to_string(TransportKind::tls), "tls");
    EXPECT_EQ(transport_kind_from("UDP"), TransportKind::udp);
    EXPECT_FALSE(transport_kind_from("ws"));
    EXPECT_FALSE(is_reliable(TransportKind::udp));
    EXPECT_TRUE(is_reliable(TransportKind::tcp));
    EXPECT_TRUE(is_reliable(TransportKind::tls));
}

TEST(TransactionError, HasCategoryAndMessages) {
    std::error_code ec = TransactionError::timeout;
    EXPECT_STREQ(ec.category().name(), "voip.sip.transaction");
    EXPECT_EQ(ec.message(), "transaction timed out");
    EXPECT_NE(std::error_code(TransactionError::transport_error).message(), ec.message());
}

}  // namespace
}  // namespace voip::sip
