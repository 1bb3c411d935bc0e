#pragma once
// The state behind sip::Dialog (private to the dialog module).

#include <voip/sip/client_transaction.hpp>
#include <voip/sip/dialog.hpp>
#include <voip/sip/dialog_routing.hpp>
#include <voip/sip/digest.hpp>
#include <voip/sip/server_transaction.hpp>

#include <asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace voip::sip {

struct Dialog::Impl {
    Impl(Dialog& owner, DialogLayer& dialog_layer);

    Dialog& self;
    DialogLayer* layer;  // null once detached (layer shut down)
    UserAgent* ua;
    asio::any_io_executor executor;

    // ---- RFC 3261 §12 dialog state ----
    DialogState state = DialogState::idle;
    bool uas = false;
    std::string call_id;
    std::string local_tag;
    std::string remote_tag;
    std::uint32_t local_cseq = 0;
    std::uint32_t remote_cseq = 0;
    bool remote_cseq_set = false;
    Uri remote_target;
    Uri remote_uri;
    Uri local_uri;
    NameAddr local_party;   // From (UAC) / To (UAS) with our tag
    NameAddr remote_party;  // To (UAC) / From (UAS), tag set once known
    std::vector<NameAddr> route_set;
    bool secure = false;
    TransportKind kind = TransportKind::udp;
    TransportAddress first_hop;  // where the INVITE went / came from

    // ---- media ----
    std::unique_ptr<detail::MediaHandle> media;
    bool media_started = false;
    std::optional<sdp::Negotiated> negotiated;
    std::optional<sdp::SessionDescription> local_sdp;
    std::optional<sdp::SessionDescription> remote_sdp;
    sdp::SessionOptions sdp_session;
    asio::steady_timer media_timer;  // CallConfig::media_timeout watch
    std::uint64_t media_seen = 0;    // RTP + RTCP packets counted at the last check
    std::chrono::steady_clock::time_point media_heard{};  // when that count last moved

    // ---- UAS: the INVITE being answered, our 2xx until its ACK ----
    std::shared_ptr<ServerTransaction> invite_tx;
    std::optional<Response> pending_2xx;  // retransmitted until the ACK (§13.3.1.4)
    std::uint32_t pending_2xx_cseq = 0;   // CSeq of the INVITE it answers
    std::shared_ptr<ServerTransaction> pending_2xx_tx;
    bool offer_in_2xx = false;  // the answer comes in the ACK
    std::chrono::milliseconds retransmit_interval{0};
    asio::steady_timer retransmit_timer;
    asio::steady_timer ack_timer;
    asio::steady_timer ring_timer;
    bool bye_after_ack = false;

    // ---- UAC: our INVITE ----
    std::optional<Request> invite_template;  // without Via: retried with auth / fallback
    std::shared_ptr<ClientTransaction> invite_client;
    Done dial_done;
    bool provisional_seen = false;
    bool cancel_requested = false;
    std::vector<Done> cancel_waiters;
    int auth_attempts = 0;
    bool srtp_fallback_done = false;
    std::optional<DigestClient> digest;
    std::optional<Request> last_ack;  // resent for 2xx retransmissions
    TransportAddress last_ack_to;
    bool cancel_sent = false;
    bool local_hold = false;               // our last offer/answer put the far end on hold
    std::vector<std::string> forks_ended;  // To tags of forked 2xx we ACKed and BYEd

    // ---- re-INVITE ----
    bool reinvite_pending = false;  // ours is out
    Done reinvite_done;
    sdp::Direction reinvite_direction = sdp::Direction::sendrecv;
    int glare_retries = 0;
    unsigned glare_total = 0;
    asio::steady_timer glare_timer;
    bool incoming_reinvite_pending = false;  // theirs answered, ACK not yet in

    // ---- ending ----
    std::vector<Done> bye_waiters;
    bool bye_sent = false;
    std::optional<EndReason> end_override;
    std::error_code end_detail_override;
    bool finished = false;

    // ---- dialog.cpp ----
    void finish(EndReason reason, std::error_code detail);
    void detach();
    [[nodiscard]] Request build_request(Method method, const InDialogRoute& route,
                                        const NameAddr& to_party, std::uint32_t cseq) const;

    // ---- dialog_uas.cpp ----
    bool begin_uas(const IncomingRequest& in);
    [[nodiscard]] Response make_uas_response(const Request& request, int status) const;
    Result<void> prepare_answer();
    void send_2xx(const std::shared_ptr<ServerTransaction>& tx, Response response,
                  std::uint32_t cseq);
    void schedule_2xx_retransmission();
    void on_ack_timeout();
    void receive_ack(const Request& ack);
    void on_cancelled();

    // ---- dialog_uac.cpp ----
    void send_invite();
    void on_provisional(const Response& response);
    void on_final(std::error_code ec, const Response& response);
    void on_2xx(const Response& response);
    bool retry_with_credentials(const Response& response);
    bool retry_without_srtp();
    void send_ack(std::uint32_t cseq);
    void on_extra_2xx(const Response& response);
    void end_fork(const Response& response);
    void send_cancel();

    // ---- dialog_media_watch.cpp ----
    void start_media_watch();
    void arm_media_watch(std::chrono::milliseconds timeout);
    void check_media();

    // ---- dialog_requests.cpp ----
    bool receive_request(const IncomingRequest& in);
    void on_bye_request(ServerTransaction& tx);
    void on_reinvite_request(const IncomingRequest& in);
    void send_bye();
    void send_reinvite();
    void schedule_glare_retry(std::chrono::milliseconds wait, int deferrals);
    void on_reinvite_response(std::error_code ec, const Response& response,
                              const sdp::SessionDescription& offer, std::uint32_t cseq);
    [[nodiscard]] Result<sdp::LocalMedia> current_local_media(const TransportAddress& toward,
                                                              sdp::Direction direction) const;

    // Helpers shared by the files of the module.
    [[nodiscard]] TimerConfig timers() const;
    [[nodiscard]] std::string contact_value(const TransportAddress& toward) const;
    [[nodiscard]] std::string media_address(const TransportAddress& toward) const;
    /// A request inside the dialog (§12.2.1.1) with CSeq @p cseq; @p to: where it goes.
    [[nodiscard]] Result<Request> make_request(Method method, std::uint32_t cseq,
                                               TransportAddress& to) const;
    void cancel_timers();
    void stop_media();
    void post_done(Done done, std::error_code ec) const;
};

}  // namespace voip::sip
