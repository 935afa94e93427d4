namespace Collage.Transforms.Diagnostics;

/// <summary>
/// Every event id Collage logs with, in one list so none collides (an id names one event across the whole
/// gateway: log pipelines filter and alert on it). Grouped by hundreds, one block per concern; a new event takes
/// the next free number of its block. <c>EventIdsTests</c> checks that every <c>[LoggerMessage]</c> uses one of these
/// and that no two share a number.
/// </summary>
internal static class EventIds
{
    // 100s: The server: TLS certificate reloads.
    public const int ServerCertificateReloaded = 101;
    public const int ServerCertificateReloadFailed = 102;

    // 200s: Configuration reloads.
    public const int ConfigurationReloaded = 201;
    public const int ConfigurationRejected = 202;

    // 300s: The front door and forwarding.
    public const int MirrorNamespaceSelected = 301;
    public const int MirrorNamespaceUnknown = 302;
    public const int ForwardClientGone = 311;
    public const int ForwardFailed = 312;

    // 400s: The access log.
    public const int AccessLogRequest = 401;

    // 500s: Upstream health probes.
    public const int UpstreamProbeUp = 501;
    public const int UpstreamProbeDown = 502;

    // 600s: The upstream token dance (gateway mode).
    public const int NoBearerChallenge = 601;
    public const int UnusableRealm = 602;
    public const int TokenFetchFailed = 603;
    public const int TokenRejected = 604;
    public const int TokenFetched = 605;
    public const int SendingCachedToken = 606;
    public const int CredentialsRejected = 607;
    public const int CredentialedTokenFetchFailed = 608;

    // 700s: The token relay of Collage's token endpoint (pass-through mode).
    public const int RelayScopesSpanRealms = 701;
    public const int RelayRealmRefused = 702;
    public const int RelayRealmFailed = 703;
    public const int RelayNoBearerRealm = 704;
    public const int TokenRelayed = 705;

    // 800s: The redirect follower.
    public const int FollowingRedirect = 801;
    public const int RedirectLimitExceeded = 802;
    public const int RedirectRefused = 803;

    // 900s: Upstream TLS trust.
    public const int InsecureSkipVerify = 901;
    public const int UpstreamCertificateRejected = 902;

    // 1000s: The merged catalog.
    public const int CatalogRefused = 1001;
    public const int CatalogInvalid = 1002;
    public const int CatalogUnreachable = 1003;

    // 1100s: Blob streaming.
    public const int UpstreamFailedMidBlob = 1101;

    // 1200s: The pull-through cache.
    public const int CacheOpened = 1201;
    public const int CacheIndexWriteFailed = 1202;
    public const int CacheDigestMismatch = 1203;
    public const int CacheFillFailed = 1204;
    public const int CacheStoreFailed = 1205;
    public const int CacheServedStale = 1206;

    // 1300s: Upstream rate limits.
    public const int UpstreamBackoffEntered = 1301;

    // 1400s: Referrers (the API passed through or emulated from the referrers tag schema).
    public const int ReferrersEmulated = 1401;
    public const int ReferrersTagNotAnIndex = 1402;
    public const int ReferrersDigestMismatch = 1403;
    public const int ReferrersUpstreamFailed = 1404;

    // 1500s: Upstream groups (failover and the members' circuit breakers).
    public const int GroupMemberOpened = 1501;
    public const int GroupMemberHalfOpened = 1502;
    public const int GroupMemberClosed = 1503;
    public const int GroupFailedOver = 1504;

    // 1600s: Client access control.
    public const int HtpasswdLoaded = 1601;
    public const int HtpasswdRefused = 1602;
    public const int AccessPolicyWarning = 1603;
    public const int OidcTokenRefused = 1610;
    public const int OidcIssuerUnreachable = 1611;
    public const int OidcKeysRead = 1612;

    // 1700s: Scale-out. 1701-1719 the fleet's Redis coordination, 1721-1739 the shared S3 store, 1741-1759 the
    // shared cache's use of both (degraded to streaming, leases handed over).
    public const int FleetUnavailable = 1701;
    public const int FleetHalfOpened = 1702;
    public const int FleetReachable = 1703;
    public const int FleetConnectFailed = 1704;
    public const int FleetLeaseLost = 1705;
    public const int FleetReleaseFailed = 1706;
    public const int SharedStoreOpened = 1721;
    public const int SharedStoreBreakerOpened = 1722;
    public const int SharedStoreBreakerHalfOpened = 1723;
    public const int SharedStoreBreakerClosed = 1724;
    public const int SharedStoreRequestFailed = 1725;
    public const int SharedStoreAbortFailed = 1726;
    public const int SharedStoreUploadSkipped = 1727;
    public const int SharedStoreUploaded = 1728;
    public const int SharedCacheDegraded = 1741;
    public const int SharedCacheUploadFailed = 1742;
    public const int SharedCacheCopyCorrupt = 1743;
    public const int SharedCacheWaitTimedOut = 1744;
    public const int SharedCacheEvicted = 1745;
    public const int SharedCacheOpened = 1746;
    public const int SharedCacheFillSource = 1747;

    // 1800s: The web page (1800-1819).
    public const int UiPageFailed = 1801;
}
