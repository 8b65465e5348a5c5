//! Migration of the old Next.js front end's mock data (`src/lib/mockdb/*.ts` and friends)
//! into the database: find the mocks ([`inventory`]), read them with a real TypeScript
//! parser ([`parse`]), map their records to the tables of DOMAIN.md ([`mapping`],
//! [`records`]) and write them idempotently in one transaction ([`import`]).

pub mod import;
pub mod inventory;
pub mod mapping;
pub mod parse;
pub mod records;
