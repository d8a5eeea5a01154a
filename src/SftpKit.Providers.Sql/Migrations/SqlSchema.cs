namespace SftpKit.Providers.Sql.Migrations;

/// <summary>
/// The schema, as ordered migration steps. Never edit a released step: add a new one. Times are UTC Unix
/// milliseconds in BIGINT columns (the same on every engine); lists and maps of the account are JSON text.
/// </summary>
internal static class SqlSchema
{
    public const string VersionTable = """
        CREATE TABLE IF NOT EXISTS schema_version (
          version {int} NOT NULL PRIMARY KEY,
          description {key} NOT NULL,
          applied_at {long} NOT NULL
        ){table}
        """;

    public static readonly IReadOnlyList<SqlMigrationStep> Steps =
    [
        new(1, "accounts, quota usage, session leases, defender hosts, admins, API keys",
        [
            new CreateTable("""
                CREATE TABLE IF NOT EXISTS accounts (
                  user_name {key} NOT NULL PRIMARY KEY,
                  enabled {int} NOT NULL,
                  expires_at {long} NULL,
                  password_hash {text} NULL,
                  public_keys {text} NOT NULL,
                  home_directory {text} NULL,
                  file_system {text} NULL,
                  virtual_folders {text} NOT NULL,
                  permissions {text} NOT NULL,
                  file_patterns {text} NOT NULL,
                  max_sessions {int} NOT NULL,
                  quota_size {long} NOT NULL,
                  quota_files {long} NOT NULL,
                  upload_bandwidth {long} NOT NULL,
                  download_bandwidth {long} NOT NULL,
                  max_upload_file_size {long} NOT NULL,
                  allowed_ips {text} NOT NULL,
                  denied_ips {text} NOT NULL,
                  denied_login_methods {text} NOT NULL,
                  required_login_steps {text} NOT NULL,
                  uid {int} NULL,
                  gid {int} NULL,
                  description {text} NULL,
                  metadata {text} NOT NULL,
                  last_login {long} NULL,
                  created_at {long} NOT NULL,
                  updated_at {long} NOT NULL
                ){table}
                """),
            new CreateTable("""
                CREATE TABLE IF NOT EXISTS quota_usage (
                  owner_kind {short} NOT NULL,
                  owner_name {key} NOT NULL,
                  size {long} NOT NULL,
                  files {long} NOT NULL,
                  updated_at {long} NOT NULL,
                  PRIMARY KEY (owner_kind, owner_name)
                ){table}
                """),
            new CreateTable("""
                CREATE TABLE IF NOT EXISTS session_leases (
                  lease_id {short} NOT NULL PRIMARY KEY,
                  user_name {key} NOT NULL,
                  slot {int} NULL,
                  instance_id {short} NOT NULL,
                  expires_at {long} NOT NULL,
                  created_at {long} NOT NULL
                ){table}
                """),
            // Slot numbers 1..MaxSessions are unique per user: the database itself caps the sessions. Unlimited
            // sessions hold a NULL slot, which every engine lets repeat in a unique index.
            new CreateIndex("ux_session_leases_slot", "session_leases", "user_name, slot", Unique: true),
            new CreateTable("""
                CREATE TABLE IF NOT EXISTS defender_hosts (
                  ip {short} NOT NULL PRIMARY KEY,
                  score {int} NOT NULL,
                  window_start {long} NOT NULL,
                  ban_until {long} NULL,
                  ban_count {int} NOT NULL,
                  updated_at {long} NOT NULL
                ){table}
                """),
            new CreateTable("""
                CREATE TABLE IF NOT EXISTS admins (
                  user_name {key} NOT NULL PRIMARY KEY,
                  password_hash {text} NOT NULL,
                  enabled {int} NOT NULL,
                  email {text} NULL,
                  permissions {text} NOT NULL,
                  description {text} NULL,
                  last_login {long} NULL,
                  created_at {long} NOT NULL,
                  updated_at {long} NOT NULL
                ){table}
                """),
            new CreateTable("""
                CREATE TABLE IF NOT EXISTS api_keys (
                  key_id {short} NOT NULL PRIMARY KEY,
                  key_hash {short} NOT NULL,
                  name {key} NOT NULL,
                  scope {short} NOT NULL,
                  admin_user {key} NULL,
                  user_name {key} NULL,
                  expires_at {long} NULL,
                  last_used_at {long} NULL,
                  description {text} NULL,
                  created_at {long} NOT NULL
                ){table}
                """),
        ]),
        new(2, "session lease connection ids; indexes for lease renewal and ban listing",
        [
            new AddColumn("session_leases", "connection_id", "{short} NULL"),
            new CreateIndex("ix_session_leases_instance", "session_leases", "instance_id"),
            new CreateIndex("ix_defender_hosts_ban", "defender_hosts", "ban_until"),
        ]),
        new(3, "admin networks and API-key flag; virtual folder definitions",
        [
            new AddColumn("admins", "allowed_networks", "{text} NULL"),
            new AddColumn("admins", "allow_api_key_auth", "{int} NULL"),
            new CreateTable("""
                CREATE TABLE IF NOT EXISTS folders (
                  name {key} NOT NULL PRIMARY KEY,
                  file_system {text} NOT NULL,
                  quota_size {long} NOT NULL,
                  quota_files {long} NOT NULL,
                  description {text} NULL,
                  created_at {long} NOT NULL,
                  updated_at {long} NOT NULL
                ){table}
                """),
        ]),
        new(4, "shares (links to an account's files)",
        [
            new CreateTable("""
                CREATE TABLE IF NOT EXISTS shares (
                  share_id {short} NOT NULL PRIMARY KEY,
                  name {text} NOT NULL,
                  description {text} NULL,
                  scope {int} NOT NULL,
                  paths {text} NOT NULL,
                  user_name {key} NOT NULL,
                  created_at {long} NOT NULL,
                  updated_at {long} NOT NULL,
                  last_use_at {long} NULL,
                  expires_at {long} NULL,
                  password_hash {text} NULL,
                  max_tokens {int} NOT NULL,
                  used_tokens {int} NOT NULL,
                  allow_from {text} NOT NULL
                ){table}
                """),
            new CreateIndex("ix_shares_user", "shares", "user_name"),
        ]),
        // "groups" is a reserved word in MySQL 8, hence user_groups and group_memberships.
        new(5, "groups (settings shared by accounts) and account group memberships",
        [
            new CreateTable("""
                CREATE TABLE IF NOT EXISTS user_groups (
                  name {key} NOT NULL PRIMARY KEY,
                  description {text} NULL,
                  settings {text} NOT NULL,
                  created_at {long} NOT NULL,
                  updated_at {long} NOT NULL
                ){table}
                """),
            new AddColumn("accounts", "group_memberships", "{text} NULL"),
        ]),
        new(6, "roles; account and admin roles; per-account access times, data-transfer caps and password rules",
        [
            new CreateTable("""
                CREATE TABLE IF NOT EXISTS roles (
                  name {key} NOT NULL PRIMARY KEY,
                  description {text} NULL,
                  created_at {long} NOT NULL,
                  updated_at {long} NOT NULL
                ){table}
                """),
            new AddColumn("accounts", "role", "{key} NULL"),
            new AddColumn("accounts", "password_changed_at", "{long} NULL"),
            new AddColumn("accounts", "limits", "{text} NULL"),
            new AddColumn("admins", "role", "{key} NULL"),
            new CreateIndex("ix_accounts_role", "accounts", "role"),
        ]),
        new(7, "second factors (TOTP) and personal access tokens of accounts and admins",
        [
            new CreateTable("""
                CREATE TABLE IF NOT EXISTS totp_configs (
                  owner_kind {int} NOT NULL,
                  owner_name {key} NOT NULL,
                  enabled {int} NOT NULL,
                  secret {text} NOT NULL,
                  protocols {text} NOT NULL,
                  recovery_codes {text} NOT NULL,
                  updated_at {long} NOT NULL,
                  PRIMARY KEY (owner_kind, owner_name)
                ){table}
                """),
            new CreateTable("""
                CREATE TABLE IF NOT EXISTS access_tokens (
                  token_id {short} NOT NULL PRIMARY KEY,
                  owner_kind {int} NOT NULL,
                  owner_name {key} NOT NULL,
                  name {text} NOT NULL,
                  token_hash {short} NOT NULL,
                  scopes {int} NOT NULL,
                  created_at {long} NOT NULL,
                  expires_at {long} NULL,
                  last_use_at {long} NULL
                ){table}
                """),
            new CreateIndex("ix_access_tokens_owner", "access_tokens", "owner_kind, owner_name"),
        ]),
        // Rules and actions keep their settings as camelCase JSON; event_rule_actions lists the actions each rule names,
        // so deleting an action a rule uses is refused in one statement. "trigger" and "option" are reserved words.
        new(8, "event rules, event actions and event rule runs",
        [
            new CreateTable("""
                CREATE TABLE IF NOT EXISTS event_actions (
                  name {key} NOT NULL PRIMARY KEY,
                  description {text} NULL,
                  action_type {int} NOT NULL,
                  settings {text} NOT NULL,
                  created_at {long} NOT NULL,
                  updated_at {long} NOT NULL
                ){table}
                """),
            new CreateTable("""
                CREATE TABLE IF NOT EXISTS event_rules (
                  name {key} NOT NULL PRIMARY KEY,
                  description {text} NULL,
                  enabled {int} NOT NULL,
                  trigger_kind {int} NOT NULL,
                  conditions {text} NOT NULL,
                  actions {text} NOT NULL,
                  created_at {long} NOT NULL,
                  updated_at {long} NOT NULL
                ){table}
                """),
            new CreateTable("""
                CREATE TABLE IF NOT EXISTS event_rule_actions (
                  rule_name {key} NOT NULL,
                  action_name {key} NOT NULL,
                  PRIMARY KEY (rule_name, action_name)
                ){table}
                """),
            new CreateIndex("ix_event_rule_actions_action", "event_rule_actions", "action_name"),
            new CreateTable("""
                CREATE TABLE IF NOT EXISTS event_runs (
                  run_id {short} NOT NULL PRIMARY KEY,
                  rule_name {key} NOT NULL,
                  trigger_kind {int} NOT NULL,
                  event_name {key} NOT NULL,
                  user_name {key} NULL,
                  path {text} NULL,
                  status {int} NOT NULL,
                  started_at {long} NOT NULL,
                  duration_ms {long} NOT NULL,
                  actions {text} NOT NULL
                ){table}
                """),
            new CreateIndex("ix_event_runs_started", "event_runs", "started_at"),
            new CreateIndex("ix_event_runs_rule", "event_runs", "rule_name, started_at"),
        ]),
    ];

    public static int LatestVersion => Steps[^1].Version;
}
