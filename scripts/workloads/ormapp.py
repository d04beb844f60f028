#!/usr/bin/env python3
"""A small bookshop written the way ORM applications are written: SQLAlchemy 2.x models of authors and their
books, loaded with deterministic data, then a few hundred page views.

usage: scripts/workloads/ormapp.py URL {lazy,eager} [--views N] [--no-load] [--log-statements]

  URL    postgres://user:pw@host:port/db (psycopg 3) or mysql://user:pw@host:port/db (PyMySQL); the user
         must be able to create tables in the database (the tables are dropped and re-created unless --no-load).
  lazy   the pages as first written: `author.books` (a 1-N lazy collection, 10 books each) and `book.author`
         (an N-1 lazy reference) load one row set per object -- the N+1 application.
  eager  the same pages written correctly: `selectinload(Author.books)` and `joinedload(Book.author)`.

--log-statements makes the server log every statement of the application's sessions (PostgreSQL:
log_min_duration_statement = 0, which needs a superuser; MariaDB: long_query_time = 0 into the slow log).
Each mode names itself to PostgreSQL as application_name ormapp-lazy / ormapp-eager.
Needs: pip install 'SQLAlchemy>=2' 'psycopg[binary]>=3' PyMySQL
"""

import argparse
import sys

from sqlalchemy import ForeignKey, Numeric, String, create_engine, func, insert, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, joinedload, mapped_column, relationship, selectinload

AUTHORS = 5_000
BOOKS_PER_AUTHOR = 10
PAGE = 20


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "authors"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    country: Mapped[str] = mapped_column(String(2))
    books: Mapped[list["Book"]] = relationship(back_populates="author", order_by="Book.id")


class Book(Base):
    __tablename__ = "books"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    year: Mapped[int]
    price: Mapped[float] = mapped_column(Numeric(8, 2))
    author: Mapped[Author] = relationship(back_populates="books")


def engine_for(url: str, mode: str, log_statements: bool):
    scheme, _, rest = url.partition("://")
    if scheme in ("postgres", "postgresql"):
        options = {"options": "-c log_min_duration_statement=0"} if log_statements else {}
        return create_engine(
            "postgresql+psycopg://" + rest, connect_args={"application_name": f"ormapp-{mode}", **options})
    if scheme in ("mysql", "mariadb"):
        options = {"init_command": "SET SESSION long_query_time = 0"} if log_statements else {}
        return create_engine("mysql+pymysql://" + rest, connect_args=options)
    sys.exit(f"ormapp.py: expected a postgres:// or mysql:// URL, got {scheme}://")


def load(engine) -> None:
    """Drops and re-creates the tables and fills them with the same rows every time."""
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    countries = ["DE", "FR", "GB", "IT", "NL", "PL", "SE", "US"]
    with engine.begin() as connection:
        connection.execute(
            insert(Author),
            [{"id": i, "name": f"author {i}", "country": countries[i % len(countries)]} for i in range(1, AUTHORS + 1)])
        books = AUTHORS * BOOKS_PER_AUTHOR
        connection.execute(
            insert(Book),
            [
                {
                    "id": i,
                    "author_id": (i - 1) // BOOKS_PER_AUTHOR + 1,
                    "title": f"book {i}",
                    "year": 1950 + i % 75,
                    "price": 5 + (i * 7919) % 4000 / 100,
                }
                for i in range(1, books + 1)
            ],
        )
    # Statistics for the planner at once, as a migration or pg_restore leaves them: the plans do not depend on
    # whether autovacuum's ANALYZE has run yet.
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE TABLE authors, books")


def author_page(session: Session, mode: str, author_id: int) -> int:
    """One author and their books."""
    query = select(Author).where(Author.id == author_id)
    if mode == "eager":
        query = query.options(selectinload(Author.books))
    author = session.scalars(query).one()
    return len(author.books)


def authors_page(session: Session, mode: str, page: int) -> int:
    """A page of authors, each with their books (1-N)."""
    query = select(Author).order_by(Author.id).offset(page * PAGE).limit(PAGE)
    if mode == "eager":
        query = query.options(selectinload(Author.books))
    return sum(len(author.books) for author in session.scalars(query))


def books_page(session: Session, mode: str, year: int, page: int) -> int:
    """A page of the books of a year by title, each with its author's name (N-1). No index serves the year."""
    query = select(Book).where(Book.year == year).order_by(Book.title, Book.id).offset(page * PAGE).limit(PAGE)
    if mode == "eager":
        query = query.options(joinedload(Book.author))
    return len({book.author.name for book in session.scalars(query)})


def browse(engine, mode: str, views: int) -> int:
    """`views` page views, each in its own session as a web request would have."""
    rows = 0
    for view in range(views):
        with Session(engine) as session:
            kind = view % 3
            if kind == 0:
                rows += author_page(session, mode, 1 + (view * 7919) % AUTHORS)
            elif kind == 1:
                rows += authors_page(session, mode, view % 50)
            else:
                rows += books_page(session, mode, 1950 + view % 75, view % 5)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("mode", choices=["lazy", "eager"])
    parser.add_argument("--views", type=int, default=200)
    parser.add_argument("--no-load", action="store_true")
    parser.add_argument("--log-statements", action="store_true")
    arguments = parser.parse_args()
    engine = engine_for(arguments.url, arguments.mode, arguments.log_statements)
    if not arguments.no_load:
        load(engine)
    rows = browse(engine, arguments.mode, arguments.views)
    with Session(engine) as session:
        authors = session.scalar(select(func.count()).select_from(Author))
    engine.dispose()
    print(f"ormapp: {arguments.views} page views ({arguments.mode}) read {rows} rows of {authors} authors' books")


if __name__ == "__main__":
    main()
