//! Members of a store and their roles (SPEC S2).

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything, plus finalize, reopen and managing members.
    Lead,
    /// Appraise and record disputes.
    Appraiser,
    /// Read only.
    Auditor,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Lead => "lead",
            Role::Appraiser => "appraiser",
            Role::Auditor => "auditor",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s.trim().to_lowercase().as_str() {
            "lead" | "truong-nhom" => Some(Role::Lead),
            "appraiser" | "tham-dinh" => Some(Role::Appraiser),
            "auditor" | "kiem-tra" => Some(Role::Auditor),
            _ => None,
        }
    }

    pub fn can_write(self) -> bool {
        self != Role::Auditor
    }

    pub fn can_lead(self) -> bool {
        self == Role::Lead
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub user: String,
    pub role: Role,
}

l10n::catalogue! {
    /// The role's name for people (`member list`, the status bar, messages).
    Role => label {
        Role::Lead => ("trưởng nhóm", "lead"),
        Role::Appraiser => ("thẩm định viên", "appraiser"),
        Role::Auditor => ("kiểm tra, chỉ đọc", "auditor, read only"),
    }
}
