# Writes sftpgo-backup.json: a representative SFTPGo v2.6/v2.7 backup with real bcrypt, argon2id and pbkdf2-sha256 hashes
# (the formats SFTPGo writes). Run with the system python3 (python3-bcrypt, python3-argon2).
import bcrypt, hashlib, base64, json, os
from argon2 import PasswordHasher
def bc(p): return bcrypt.hashpw(p.encode(), bcrypt.gensalt(10)).decode().replace('$2b$','$2a$',1)
def a2(p): return PasswordHasher(time_cost=1, memory_cost=65536, parallelism=2, hash_len=32, salt_len=16).hash(p)
def pb(p):
    salt=base64.b64encode(os.urandom(6)).decode().replace('+','A').replace('/','B')[:8]
    d=hashlib.pbkdf2_hmac('sha256', p.encode(), salt.encode(), 150000, 32)
    return f"$pbkdf2-sha256$150000${salt}${base64.b64encode(d).decode()}"
root="/var/lib/sftpgo"
T=1733500000000
def perms(): return {"/":["*"]}
def filters(**kw):
    f={"allowed_ip":[],"denied_ip":[],"denied_login_methods":[],"denied_protocols":[],"file_patterns":[],"max_upload_file_size":0,
       "tls_username":"None","hooks":{"external_auth_disabled":False,"pre_login_disabled":False,"check_password_disabled":False},
       "disable_fs_checks":False,"web_client":[],"allow_api_key_auth":False,"user_type":"","bandwidth_limits":[],"data_transfer_limits":[],
       "external_auth_cache_time":0,"start_directory":"","two_factor_protocols":[],"ftp_security":0,"is_anonymous":False,
       "default_shares_expiration":0,"max_shares_expiration":0,"password_expiration":0,"password_strength":0,"access_time":[],
       "require_password_change":False,"totp_config":{"enabled":False,"config_name":"","secret":{},"protocols":[]},"recovery_codes":[],"tls_certs":[],"additional_emails":[]}
    f.update(kw); return f
def user(uid, name, pw, fs=None, **kw):
    u={"id":uid,"status":1,"username":name,"email":"","description":"","expiration_date":0,"password":pw,"public_keys":[],"has_password":True,
       "home_dir":f"{root}/data/{name}","virtual_folders":[],"uid":0,"gid":0,"max_sessions":0,"quota_size":0,"quota_files":0,
       "permissions":perms(),"used_quota_size":0,"used_quota_files":0,"last_quota_update":0,"upload_bandwidth":0,"download_bandwidth":0,
       "upload_data_transfer":0,"download_data_transfer":0,"total_data_transfer":0,"used_upload_data_transfer":0,"used_download_data_transfer":0,
       "created_at":T,"updated_at":T,"last_login":0,"first_download":0,"first_upload":0,"last_password_change":T,
       "filters":filters(),"filesystem":fs or {"provider":0,"osconfig":{}},"additional_info":"","groups":[],"role":""}
    for k,v in kw.items():
        if k=="filters": u["filters"]=filters(**v)
        else: u[k]=v
    return u
secretbox={"status":"Secretbox","payload":"o8mJmJ3n0k2c5wq2Q8Yd7a0Nf4Gm1pLr9xT2vB6sZ3kE5hW8yU1iO4","key":"3f1c5a7e9b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a","additional_data":"sftpuser","mode":0}
dump={
 "users":[
  user(1,"alice",bc("alice-old-pass"),description="Alice from accounting",email="alice@example.com",quota_size=104857600,quota_files=1000,
       upload_bandwidth=512,used_quota_size=4096,used_quota_files=2,
       permissions={"/":["*"],"/ro":["list","download"]},
       virtual_folders=[{"id":1,"name":"shared","mapped_path":f"{root}/shared","description":"","used_quota_size":0,"used_quota_files":0,"last_quota_update":0,"users":["alice"],"filesystem":{"provider":0,"osconfig":{}},"virtual_path":"/shared","quota_size":-1,"quota_files":-1}],
       groups=[{"name":"staff","type":1}],
       filters={"allowed_ip":["127.0.0.0/8","::1/128"],"denied_login_methods":["publickey+password"],"web_client":["write-disabled"],
                "file_patterns":[{"path":"/","allowed_patterns":[],"denied_patterns":["*.exe"],"deny_policy":0}],"max_upload_file_size":10485760}),
  user(2,"bob",a2("bob-old-pass"),role="dept",max_sessions=3,download_bandwidth=1024,
       filters={"denied_protocols":["FTP","DAV"],"password_expiration":3650,"access_time":[{"day_of_week":d,"from":"00:00","to":"23:59"} for d in range(7)]}),
  user(3,"carol",pb("carol-old-pass"),expiration_date=4102444800000,total_data_transfer=2048,
       filters={"start_directory":"/in","two_factor_protocols":["HTTP"]}),
  user(4,"s3user",bc("s3-old-pass"),
       fs={"provider":1,"s3config":{"bucket":"legacy-bucket","region":"eu-west-1","access_key":"AKIAEXAMPLE","access_secret":{"status":"Plain","payload":"s3-secret-key","key":"","additional_data":"","mode":0},
          "role_arn":"","endpoint":"http://127.0.0.1:9000","storage_class":"STANDARD","acl":"private","upload_part_size":16,"upload_concurrency":4,
          "upload_part_max_time":60,"download_part_size":0,"download_concurrency":0,"download_part_max_time":0,"force_path_style":True,"key_prefix":"users/s3user/","session_token":"","sse_customer_key":{}}}),
  user(5,"gcsuser",bc("gcs-old-pass"),fs={"provider":2,"gcsconfig":{"bucket":"gcs-bucket","credentials":{},"automatic_credentials":1,"storage_class":"","acl":"","key_prefix":""}}),
  user(6,"sftpuser",a2("sftp-old-pass"),fs={"provider":5,"sftpconfig":{"endpoint":"files.example.com:2222","username":"remote","password":secretbox,"private_key":{},"key_passphrase":{},
          "fingerprints":["SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"],"prefix":"/exports","disable_concurrent_reads":False,"buffer_size":2,"equality_check_mode":0}}),
 ],
 "groups":[{"id":1,"name":"staff","description":"Staff members","created_at":T,"updated_at":T,
   "user_settings":{"home_dir":"","max_sessions":2,"quota_size":0,"quota_files":0,"permissions":{"/":["list","download","upload"]},"upload_bandwidth":0,"download_bandwidth":0,
      "upload_data_transfer":100,"download_data_transfer":0,"total_data_transfer":0,"expires_in":30,"filters":filters(denied_ip=["192.0.2.0/24"]),"filesystem":{"provider":0,"osconfig":{}}},
   "virtual_folders":[],"users":["alice"],"admins":[]}],
 "folders":[{"id":1,"name":"shared","mapped_path":f"{root}/shared","description":"Shared documents","used_quota_size":1024,"used_quota_files":1,"last_quota_update":T,"users":["alice"],"groups":[],"filesystem":{"provider":0,"osconfig":{}}}],
 "admins":[
   {"id":1,"status":1,"username":"migrated-admin","description":"","password":bc("admin-old-pass"),"email":"root@example.com","permissions":["*"],
    "filters":{"allow_list":[],"allow_api_key_auth":False,"totp_config":{"enabled":False,"config_name":"","secret":{}},"recovery_codes":[],"preferences":{"hide_user_page_sections":0,"default_users_expiration":0}},
    "additional_info":"","groups":[],"created_at":T,"updated_at":T,"last_login":0,"role":""},
   {"id":2,"status":1,"username":"dept-admin","description":"Department admin","password":a2("dept-admin-pass"),"email":"","permissions":["add_users","edit_users","view_users","view_conns","manage_apikeys"],
    "filters":{"allow_list":["127.0.0.0/8"],"allow_api_key_auth":True},"additional_info":"","groups":[],"created_at":T,"updated_at":T,"last_login":0,"role":"dept"}],
 "api_keys":[{"id":"2GDjMAYYrQ8NhsKV3Rthhz","name":"automation","key":"$2a$10$0LBRCNP3AYvJ6r0CmHkkTuy0uSnhTjL45WAH1vcyJrgZhUOa6s2q2","scope":1,"created_at":T,"updated_at":T,"last_use_at":0,"expires_at":0,"description":"","user":"","admin":"migrated-admin"}],
 "shares":[{"id":"Hhm7ZMTT6ppXT4D2ceAoT7","name":"reports","description":"","scope":1,"paths":["/reports"],"username":"alice","created_at":T,"updated_at":T,"last_use_at":0,"expires_at":0,"password":bc("share-pass"),"max_tokens":0,"used_tokens":0,"allow_from":[]}],
 "event_actions":[
   {"id":1,"name":"notify-upload","description":"Tell the audit service","type":1,"options":{"http_config":{"endpoint":"http://127.0.0.1:9/hook","username":"","password":{},"headers":[],"timeout":20,"skip_tls_verify":False,"method":"POST","query_parameters":[],"body":"{\"user\":\"{{ObjectName}}\"}","parts":[]},
      "cmd_config":{"cmd":"","args":[],"timeout":0,"env_vars":[]},"email_config":{"recipients":[],"bcc":[],"subject":"","body":"","content_type":0,"attachments":[]},"retention_config":{"folders":[]},
      "fs_config":{"type":0,"renames":[],"mkdirs":[],"deletes":[],"exist":[],"copy":[],"compress":{"name":"","paths":[]}},"pwd_expiration_config":{"threshold":0},"user_inactivity_config":{"disable_threshold":0,"delete_threshold":0},"idp_config":{"mode":0,"template_user":"","template_admin":""}}},
   {"id":2,"name":"check-metadata","description":"","type":10,"options":{}}],
 "event_rules":[
   {"id":1,"name":"audit-csv-uploads","status":1,"description":"","created_at":T,"updated_at":T,"trigger":1,
    "conditions":{"fs_events":["upload"],"provider_events":[],"schedules":[],"idp_login_event":0,
      "options":{"names":[],"group_names":[],"role_names":[],"fs_paths":[{"pattern":"*.csv","inverse_match":False}],"protocols":[],"provider_objects":[],"min_size":0,"max_size":0,"concurrent_execution":False}},
    "actions":[{"name":"notify-upload","order":1,"relation_options":{"is_failure_action":False,"stop_on_failure":False,"execute_sync":False}}]},
   {"id":2,"name":"nightly-metadata","status":0,"description":"","created_at":T,"updated_at":T,"trigger":3,
    "conditions":{"schedules":[{"hour":"2","day_of_week":"*","day_of_month":"*","month":"*"}]},
    "actions":[{"name":"check-metadata","order":1}]}],
 "roles":[{"id":1,"name":"dept","description":"A department","created_at":T,"updated_at":T,"users":["bob"],"admins":["dept-admin"]}],
 "ip_lists":[{"ipornet":"192.0.2.10/32","description":"blocked scanner","type":2,"mode":1,"protocols":0,"created_at":T,"updated_at":T}],
 "configs":{"sftpd":{"host_key_algos":[],"public_key_algos":[],"kex_algorithms":[],"ciphers":[],"macs":[]},"smtp":None,"acme":None},
 "version":17}
json.dump(dump, open("sftpgo-backup.json","w"), indent=2)
print("ok")
