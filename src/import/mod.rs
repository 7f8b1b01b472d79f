//! Documents -> draft plan (pure), then save. Being built: see issue 4.
